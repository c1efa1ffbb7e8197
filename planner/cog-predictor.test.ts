import { parseCogYaml } from './project/cog-yaml';
import { predictorChecks, sdkVersion } from './cog-predictor';

const yaml = (extra: string) => parseCogYaml(`build:\n  python_version: "3.11"\n${extra}`);
const PYPI = { kind: 'pypi' } as const;

describe('predictorChecks', () => {
  it('advises run over predict only when the image SDK reads run (latest, or pinned ≥ 0.20)', () => {
    const advice = ['cog.yaml:3: predict is deprecated since cog 0.20; use run (same value)'];
    expect(predictorChecks(yaml('predict: p.py:P\n'), PYPI, false)).toEqual(advice);
    expect(predictorChecks(yaml('  sdk_version: "0.20.1"\npredict: p.py:P\n'), PYPI, false)).toEqual([
      'cog.yaml:4: predict is deprecated since cog 0.20; use run (same value)',
    ]);
    expect(predictorChecks(yaml('  sdk_version: "0.16.8"\npredict: p.py:P\n'), PYPI, false)).toEqual([]);
    expect(
      predictorChecks(yaml('predict: p.py:P\n'), { kind: 'wheel', path: '../w/cog-0.13.6-py3-none-any.whl', version: '0.13.6', wheelhouse: true }, false),
    ).toEqual([]);
    expect(predictorChecks(yaml('predict: p.py:P\n'), { kind: 'none' }, false)).toEqual([]);
    expect(predictorChecks(yaml('run: p.py:P\n'), PYPI, false)).toEqual([]);
  });

  it('without run/predict/train: a warning for plan, the build error for build', () => {
    expect(predictorChecks(yaml(''), PYPI, false)).toEqual([expect.stringMatching(/^cog.yaml:1: cog.yaml sets none of run, predict or train/)]);
    expect(() => predictorChecks(yaml(''), PYPI, true)).toThrow(expect.objectContaining({ code: 'E_COG_YAML_NO_PREDICTOR', exitCode: 2 }));
    expect(predictorChecks(yaml('train: t.py:T\n'), PYPI, true)).toEqual([]);
  });

  it('takes the SDK version from the pin or the wheel source', () => {
    expect(sdkVersion(yaml('  sdk_version: prerelease\n'), PYPI)).toBe('latest');
    expect(sdkVersion(yaml(''), { kind: 'wheel', path: 'cog-0.22.0-py3-none-any.whl', version: '0.22.0', wheelhouse: false })).toBe('0.22.0');
  });
});
