/**
 * The framework plugin contract: resolve() runs whatever frameworks it is given (none by name), in the
 * documented order, and threads pythons and the fixed CUDA through them.
 */
import { resolve } from './index';
import type { FrameworkInput, FrameworkResolver } from './types';
import { cuda, options, py, req, tf, torch } from './testing/requests';

/** A stand-in framework: owns `toy` and `toy-extra`, supports python 3.11/3.12, wants CUDA 12.4 with gpu. */
function toy(seen: FrameworkInput[] = []): FrameworkResolver {
  return {
    name: 'toy',
    packages: ['toy', 'toy-extra'],
    choose(input) {
      seen.push(input);
      const version = input.requests.toy[0]?.spec.replace('==', '') || '1.0';
      return {
        choice: { version, variant: '', packages: { toy: version }, index_url: '', cuda: input.gpu ? '12.4' : null, cudnn: null },
        pythons: input.pythons.filter((p) => p === '3.11' || p === '3.12'),
        hostCuda: input.gpu ? (input.cuda.fixed ?? '12.4') : null,
        resolved: { toy: version },
        always: ['toy'],
      };
    },
  };
}

const withToy = (gpu: boolean, fw: FrameworkResolver) => ({ ...options(gpu), frameworks: [...options(gpu).frameworks, fw] });

describe('framework plugins', () => {
  it('a registered framework resolves its own distributions; an unregistered one is a plain package', () => {
    const r = resolve([req('toy', '==2.0')], withToy(false, toy()));
    expect(r.frameworks).toEqual({ toy: { version: '2.0', variant: '', packages: { toy: '2.0' }, index_url: '', cuda: null, cudnn: null } });
    expect(r.python).toBe('3.12'); // narrowed by the plugin, newest left wins
    const plain = resolve([req('toy', '==2.0')], options(false));
    expect(plain.frameworks).toEqual({});
    expect(plain.dependencies.toy.resolved_version).toBe('2.0');
  });

  it('a companion alone still records the framework (always) and its host CUDA picks the base', () => {
    const r = resolve([req('toy-extra', '')], withToy(true, toy()));
    expect(r.dependencies.toy).toMatchObject({ resolved_version: '1.0', source: 'requirements.txt:1' });
    expect(r.cuda?.version).toBe('12.4');
    expect(r.dependencies.cuda.source).toBe('chosen for toy 1.0 from requirements.txt:1');
  });

  it('is resolved after a CUDA-fixing framework and sees its CUDA and narrowed pythons', () => {
    const seen: FrameworkInput[] = [];
    const r = resolve([tf('==2.15.0'), req('toy', '==1.0')], withToy(true, toy(seen)));
    expect(seen[0].cuda).toMatchObject({ fixed: '12.2', fixedBy: expect.objectContaining({ name: 'tensorflow' }) });
    expect(r.cuda?.version).toBe('12.2');
    expect(Object.keys(r.frameworks)).toEqual(['tensorflow', 'toy']); // registration order
  });

  it('registration order decides who fixes CUDA among frameworks that adapt: torch first here', () => {
    const seen: FrameworkInput[] = [];
    const r = resolve([torch('==2.3.1'), req('toy', '==1.0')], withToy(true, toy(seen)));
    expect(seen[0].cuda.fixed).toBe('12.1');
    expect(r.cuda?.version).toBe('12.1');
  });

  it('passes the user cuda requests and python requests through', () => {
    const seen: FrameworkInput[] = [];
    resolve([py('3.11'), cuda('12.4'), req('toy', '')], withToy(true, toy(seen)));
    expect(seen[0].cuda.user.map((i) => i.spec)).toEqual(['12.4']);
    expect(seen[0].pythons).toEqual(['3.11']);
  });
});
