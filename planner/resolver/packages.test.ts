import { ConfigError } from '../../src/errors';
import { resolve } from './index';
import { group } from './context';
import { normalizeName as normaliseName } from '../project/requirements';
import { resolvePackage } from './packages';
import { options, req, torch } from './testing/requests';

const cpu = options(false);

test.each([
  [[req('numpy', '==1.26.4')], '1.26.4'],
  [[req('numpy', '>=1.26'), req('numpy', '<2', 'uv.lock')], '>=1.26,<2'],
  [[req('numpy', '')], '*'],
  [[req('numpy', '==1.26.4'), req('numpy', '>=1.26', 'uv.lock')], '1.26.4'],
  [[req('numpy', '==1.26.4'), req('numpy', '==1.26.4', 'uv.lock')], '1.26.4'],
])('resolvePackage(%j) → %s', (reqs, want) => {
  expect(resolvePackage(reqs).resolved_version).toBe(want);
});

test('provenance lists user sources before defaults', () => {
  const dep = resolvePackage([req('cog', '', 'default', 'cog-sdk'), req('cog', '==0.16.0', 'requirements.txt:9', 'pip')]);
  expect(dep).toEqual({ name: 'cog', provider: 'pip', requested_version: '==0.16.0', resolved_version: '0.16.0', source: 'requirements.txt:9; default' });
});

test('two pins of one package conflict, naming both', () => {
  expect(() => resolvePackage([req('pillow', '==10.4.0'), req('pillow', '==9.5.0', 'uv.lock')])).toThrow(ConfigError);
  expect(() => resolvePackage([req('pillow', '==10.4.0'), req('pillow', '==9.5.0', 'uv.lock')])).toThrow(
    /pillow ==10.4.0 \(requirements.txt:1.*pillow ==9.5.0 \(uv.lock/,
  );
});

test.each([
  ['Torch', 'torch'],
  ['typing_extensions', 'typing-extensions'],
  ['zope.interface', 'zope-interface'],
  ['A__B--c', 'a-b-c'],
])('normaliseName(%s) = %s', (name, want) => {
  expect(normaliseName(name)).toBe(want);
});

test('requests for differently spelled names are one dependency', () => {
  const g = group([req('Pillow', '>=10'), req('pillow', '<11', 'uv.lock')]);
  expect(g.get('pillow')).toHaveLength(2);
  const r = resolve(
    [req('Typing_Extensions', '==4.12.2'), req('typing-extensions', '>=4', 'uv.lock'), torch('==2.3.1'), req('TorchVision', '', 'requirements.txt:2')],
    cpu,
  );
  expect(r.dependencies['typing-extensions']).toMatchObject({ name: 'typing-extensions', resolved_version: '4.12.2' });
  expect(r.dependencies.torchvision.resolved_version).toBe('0.18.1');
});

test('apt packages are recorded under system:<name> and never clash with a python package of the same name', () => {
  const r = resolve(
    [
      req('cmake', '>=3.27', 'requirements.txt:5'),
      { kind: 'system', name: 'cmake', constraint: '', source: 'cog.yaml:7 build.system_packages', requester: 'apt' },
    ],
    cpu,
  );
  expect(r.dependencies.cmake.resolved_version).toBe('>=3.27');
  expect(r.dependencies['system:cmake']).toMatchObject({ name: 'cmake', provider: 'apt', resolved_version: '*' });
});
