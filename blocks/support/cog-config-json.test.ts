import { cogConfigJson } from './cog-config-json';

describe('run.cog.config as cog marshals it', () => {
  it('keeps Go struct order, drops empty fields, writes run items as objects and escapes like encoding/json', () => {
    const data = {
      run: 'predict.py:Predictor',
      environment: ['A=1'],
      build: {
        run: ['echo a && echo b', { command: 'cat /run/secrets/t', mounts: [{ type: 'secret' as const, id: 't', target: '/run/secrets/t' }] }],
        system_packages: ['jq'],
        python_version: '3.11',
      },
      train: 'train.py:train',
    };
    expect(cogConfigJson(data, { python: '3.11', gpu: false })).toBe(
      '{"build":{"python_version":"3.11","run":[{"command":"echo a \\u0026\\u0026 echo b"},{"command":"cat /run/secrets/t","mounts":[{"type":"secret","id":"t","target":"/run/secrets/t"}]}],' +
        '"system_packages":["jq"]},"predict":"predict.py:Predictor","train":"train.py:train","environment":["A=1"]}',
    );
  });

  it('puts the effective GPU, CUDA and cuDNN first-class, as cog fills them in', () => {
    const json = cogConfigJson(
      { build: { gpu: true }, predict: 'p.py:P', concurrency: { max: 4 } },
      { python: '3.12', gpu: true, cuda: { version: '12.4', cudnn: '9' } },
    );
    expect(json).toBe('{"build":{"gpu":true,"python_version":"3.12","cuda":"12.4","cudnn":"9"},"predict":"p.py:P","concurrency":{"max":4}}');
  });
});
