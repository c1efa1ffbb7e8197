import { parseCogYaml } from './cog-yaml';

describe('parseCogYaml', () => {
  it('keeps version text as written and records where each key is', () => {
    const c = parseCogYaml('# model\nbuild:\n  python_version: 3.10\n  gpu: true\n  cuda: 12.1\n');
    expect(c.data.build).toMatchObject({ python_version: '3.10', cuda: '12.1' });
    expect(c.sourceOf(['build', 'cuda'])).toBe('cog.yaml:5 build.cuda');
  });

  it('accepts deprecated fields with one warning each, naming the line', () => {
    const c = parseCogYaml('build:\n  python_version: "3.11"\n  python_packages: ["numpy==1.26.4"]\n  pre_install: ["echo"]\npredict: predict.py:P\n');
    expect(c.warnings).toEqual([
      'cog.yaml:3: build.python_packages is deprecated; use build.python_requirements',
      'cog.yaml:4: build.pre_install is deprecated; use build.run',
      'cog.yaml:5: predict is deprecated; use run',
    ]);
  });

  it('accepts the full current schema', () => {
    const text = [
      'build:', '  gpu: true', '  cuda: "12.1"', '  cudnn: "8"', '  python_version: "3.11"', '  python_requirements: r.txt',
      '  system_packages: [git]', '  run:', '    - echo a', '    - command: echo b', '      mounts: [{type: secret, id: s, target: /s}]',
      '  sdk_version: "0.16.8"', 'run: predict.py:Predictor', 'train: train.py:Trainer', 'image: r8.im/a/b',
      'environment: [A=1]', 'weights:', '  - name: w', '    target: /w', '    source: {uri: ./w, include: ["*"], exclude: []}', '',
    ].join('\n');
    expect(parseCogYaml(text).data.weights?.[0].target).toBe('/w');
  });

  it('rejects duplicate keys and unknown nested keys with their line', () => {
    expect(() => parseCogYaml('build:\n  gpu: true\n  gpu: false\n')).toThrow(expect.objectContaining({ code: 'E_YAML_SYNTAX', line: 3 }));
    expect(() => parseCogYaml('build:\n  run:\n    - command: x\n      mount: []\n')).toThrow(expect.objectContaining({ code: 'E_COG_YAML_UNKNOWN_KEY', line: 4 }));
  });
});

describe('parseCogYaml edge cases', () => {
  it('treats an empty build: as unset and points a non-mapping file at line 1', () => {
    expect(parseCogYaml('build:\nrun: predict.py:P\n').data.build).toBeUndefined();
    expect(() => parseCogYaml('- a\n- b\n')).toThrow(expect.objectContaining({ code: 'E_COG_YAML_SCHEMA', line: 1 }));
  });
});
