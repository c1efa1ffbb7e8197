import { parseCogYaml } from './cog-yaml';

describe('parseCogYaml', () => {
  it('keeps version text as written and records where each key is', () => {
    const c = parseCogYaml('# model\nbuild:\n  python_version: 3.10\n  gpu: true\n  cuda: 12.1\n');
    expect(c.data.build).toMatchObject({ python_version: '3.10', cuda: '12.1' });
    expect(c.sourceOf(['build', 'cuda'])).toBe('cog.yaml:5 build.cuda');
  });

  it("accepts deprecated fields with one warning each, naming the line (predict → run is the planner's, as it depends on the SDK)", () => {
    const c = parseCogYaml('build:\n  python_version: "3.11"\n  python_packages: ["numpy==1.26.4"]\n  pre_install: ["echo"]\npredict: predict.py:P\n');
    expect(c.warnings).toEqual([
      'cog.yaml:3: build.python_packages is deprecated; use build.python_requirements',
      'cog.yaml:4: build.pre_install is deprecated; use build.run',
    ]);
    expect(c.data.predict).toBe('predict.py:P');
  });

  it('accepts the full current schema', () => {
    const text = [
      'build:',
      '  gpu: true',
      '  cuda: "12.1"',
      '  cudnn: "8"',
      '  python_version: "3.11"',
      '  python_requirements: r.txt',
      '  system_packages: [git]',
      '  run:',
      '    - echo a',
      '    - command: echo b',
      '      mounts: [{type: secret, id: s, target: /s}]',
      '  sdk_version: "0.16.8"',
      'run: predict.py:Predictor',
      'train: train.py:Trainer',
      'image: r8.im/a/b',
      'environment: [A=1]',
      'weights:',
      '  - name: w',
      '    target: /w',
      '    source: {uri: ./w, include: ["*"], exclude: []}',
      '',
    ].join('\n');
    expect(parseCogYaml(text).data.weights?.[0].target).toBe('/w');
  });

  it('rejects duplicate keys with their line', () => {
    expect(() => parseCogYaml('build:\n  gpu: true\n  gpu: false\n')).toThrow(expect.objectContaining({ code: 'E_YAML_SYNTAX', line: 3 }));
  });
});

describe('parseCogYaml edge cases', () => {
  it('treats an empty build: as unset and points a non-mapping file at line 1', () => {
    expect(parseCogYaml('build:\nrun: predict.py:P\n').data.build).toBeUndefined();
    expect(() => parseCogYaml('- a\n- b\n')).toThrow(expect.objectContaining({ code: 'E_COG_YAML_SCHEMA', line: 1 }));
  });
});

describe('parseCogYaml reads what cog reads, not more strictly', () => {
  it('ignores unknown keys at any depth with one line each: file:line, and the likely key', () => {
    const c = parseCogYaml(
      [
        'build:',
        '  python_version: "3.11"',
        '  python_pakages: [numpy]',
        '  environment: [A=1]',
        '  run:',
        '    - command: echo x',
        '      mount: []',
        'examples: []',
        'run: predict.py:P',
        '',
      ].join('\n'),
    );
    expect(c.warnings).toEqual([
      'cog.yaml:3: unknown key build.python_pakages is ignored (did you mean build.python_packages?)',
      'cog.yaml:4: unknown key build.environment is ignored (did you mean environment (at the top level)?)',
      'cog.yaml:7: unknown key build.run.mount is ignored (did you mean build.run.mounts?)',
      'cog.yaml:8: unknown key examples is ignored',
    ]);
    expect(c.data).toEqual({ build: { python_version: '3.11', run: [{ command: 'echo x' }] }, run: 'predict.py:P' });
  });

  it('warns that a removed key is ignored and says what replaces it', () => {
    const c = parseCogYaml('build:\n  python_version: "3.11"\n  fast: true\n  python_extra_index_urls: [https://x/simple]\nrun: predict.py:P\n');
    expect(c.warnings).toEqual([
      'cog.yaml:3: build.fast was removed from cog and is ignored; remove it (cog removed the fast builder)',
      'cog.yaml:4: build.python_extra_index_urls was removed from cog and is ignored; put --extra-index-url lines in your python_requirements file',
    ]);
  });

  it('reads a null as unset (build.run: with no items is no commands) and YAML 1.1 booleans as cog does', () => {
    const c = parseCogYaml('build:\n  gpu: yes\n  python_version: "3.11"\n  run:\n  system_packages:\npredict:\ntrain: train.py:T\n');
    expect(c.data).toEqual({ build: { gpu: true, python_version: '3.11' }, train: 'train.py:T' });
    expect(c.warnings).toEqual([]);
  });

  it("takes cog's short weights form and an empty python_packages beside python_requirements", () => {
    const c = parseCogYaml('build:\n  python_packages: []\n  python_requirements: r.txt\nweights:\n  - name: w\n    source: w.bin\n');
    expect(c.data.weights).toEqual([{ name: 'w', source: { uri: 'w.bin' } }]);
  });

  it('reads a system_packages entry of several names as those packages (cog joins them into one apt-get line)', () => {
    expect(parseCogYaml('build:\n  system_packages: ["libsm6 libxext6", ffmpeg]\n').data.build?.system_packages).toEqual(['libsm6', 'libxext6', 'ffmpeg']);
  });

  it('accepts cuda with gpu off (cog ignores it; the resolver warns)', () => {
    expect(parseCogYaml('build:\n  cuda: "12.1"\n').data.build?.cuda).toBe('12.1');
  });
});
