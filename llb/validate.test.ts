import { encodeDefinition, encodeOp, sha256Digest } from './encode';
import { diff } from './diff';
import { marshal } from './marshal';
import { merge } from './merge';
import type { PbOp } from './pb-types';
import { State } from './state';
import { validateDefinition } from './validate';

const img: PbOp = {
  source: { identifier: 'docker-image://docker.io/library/alpine:latest' },
  platform: { Architecture: 'amd64', OS: 'linux' },
  constraints: {},
};
const imgDigest = sha256Digest(encodeOp(img));
const exec: PbOp = {
  inputs: [{ digest: imgDigest }],
  exec: { meta: { args: ['true'] }, mounts: [{ input: 0, dest: '/', output: 0 }] },
  constraints: {},
};
const execDigest = sha256Digest(encodeOp(exec));

/** A definition of the given ops; a terminal op pointing at the last one is added unless `terminal` is given. */
function def(ops: PbOp[], terminal?: PbOp, metadata?: Record<string, object>): Uint8Array {
  const bytes = ops.map(encodeOp);
  const last = sha256Digest(bytes[bytes.length - 1]);
  bytes.push(encodeOp(terminal ?? { inputs: [{ digest: last }] }));
  return encodeDefinition({ def: bytes, metadata });
}

const twoInputs = [{ digest: imgDigest }, { digest: execDigest }];

describe('validateDefinition', () => {
  it('accepts what the state API produces', () => {
    const b = State.image('alpine');
    const e = b.run({ args: ['true'], mounts: [{ type: 'cache', dest: '/c', id: 'c', sharing: 'locked' }] }).root;
    const sq = State.scratch().file([{ action: 'copy', from: diff(b, e), src: '/', dest: '/', opts: { contentsOnly: true } }]);
    expect(validateDefinition(marshal(merge([b, diff(b, e), sq])).definition)).toBe(6); // source, exec, diff (deduped), copy, merge, terminal
  });

  it('accepts a hand-built valid graph', () => {
    expect(validateDefinition(def([img, exec, { inputs: twoInputs, diff: { lower: {}, upper: { input: 1 } } }]))).toBe(4);
  });

  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['a DiffOp without upper (panics dockerd)', () => def([img, exec, { inputs: twoInputs, diff: { lower: {} } }]), /both lower and upper/],
    ['a DiffOp without lower', () => def([img, exec, { inputs: twoInputs, diff: { upper: { input: 1 } } }]), /both lower and upper/],
    ['a DiffOp index out of range', () => def([img, exec, { inputs: twoInputs, diff: { lower: {}, upper: { input: 5 } } }]), /upper is 5/],
    ['a DiffOp with swapped inputs', () => def([img, exec, { inputs: twoInputs, diff: { lower: { input: 1 }, upper: {} } }]), /inputs in order/],
    [
      'a DiffOp with scratch lower and real upper',
      () => def([img, { inputs: [{ digest: imgDigest }], diff: { lower: { input: -1 }, upper: {} } }]),
      /scratch lower/,
    ],
    ['a Merge of one input', () => def([img, { inputs: [{ digest: imgDigest }], merge: { inputs: [{}] } }]), /at least 2 inputs/],
    [
      'a MergeInput index not equal to its position',
      () => def([img, exec, { inputs: twoInputs, merge: { inputs: [{ input: 1 }, { input: 0 }] } }]),
      /must equal its position/,
    ],
    ['fewer MergeInputs than op inputs', () => def([img, exec, { inputs: twoInputs, merge: { inputs: [{}] } }]), /1 merge inputs for 2/],
    ['an input digest that is not in the definition', () => def([img, { ...exec, inputs: [{ digest: 'sha256:dead' }] }]), /not an earlier op/],
    [
      'an input that comes after its user',
      () => encodeDefinition({ def: [encodeOp(exec), encodeOp(img), encodeOp({ inputs: [{ digest: execDigest }] })] }),
      /not an earlier op/,
    ],
    ['an output index the input op does not have', () => def([img, { ...exec, inputs: [{ digest: imgDigest, index: 1 }] }]), /output 1 of an op with 1/],
    ['an exec mount input out of range', () => def([img, { ...exec, exec: { meta: { args: ['x'] }, mounts: [{ input: 3, dest: '/' }] } }]), /input is 3/],
    ['an exec without a root mount', () => def([img, { ...exec, exec: { meta: { args: ['x'] }, mounts: [{ input: 0, dest: '/x' }] } }]), /no root mount/],
    ['an exec without args', () => def([img, { ...exec, exec: { meta: { args: [] }, mounts: [{ input: 0, dest: '/' }] } }]), /no args/],
    [
      'a cache mount without id',
      () =>
        def([
          img,
          {
            ...exec,
            exec: {
              meta: { args: ['x'] },
              mounts: [
                { input: 0, dest: '/' },
                { input: -1, dest: '/c', mountType: 3 },
              ],
            },
          },
        ]),
      /no id/,
    ],
    [
      'a file action reading a later action',
      () => def([img, { inputs: [{ digest: imgDigest }], file: { actions: [{ input: 1, output: 0, mkdir: { path: '/a', mode: 493 } }] }, constraints: {} }]),
      /action 0 input is 1/,
    ],
    [
      'a copy with a secondary input out of range',
      () => def([img, { inputs: [{ digest: imgDigest }], file: { actions: [{ input: 0, secondaryInput: 2, output: 0, copy: { src: '/', dest: '/' } }] } }]),
      /copy source is 2/,
    ],
    ['a file action with no action', () => def([img, { inputs: [{ digest: imgDigest }], file: { actions: [{ input: 0, output: 0 }] } }]), /exactly one action/],
    [
      'a file op without output',
      () => def([img, { inputs: [{ digest: imgDigest }], file: { actions: [{ input: 0, output: -1, rm: { path: '/a' } }] } }]),
      /no output/,
    ],
    ['a source with an unknown scheme', () => def([{ source: { identifier: 'ftp://x' } }]), /identifier "ftp:\/\/x"/],
    ['a terminal op with two inputs', () => def([img], { inputs: [{ digest: imgDigest }, { digest: imgDigest }] }), /exactly one input/],
    [
      'a terminal op with a platform',
      () => def([img], { inputs: [{ digest: imgDigest }], platform: { Architecture: 'amd64', OS: 'linux' } }),
      /terminal op with only inputs/,
    ],
    ['a terminal-shaped op in the middle', () => def([img, { inputs: [{ digest: imgDigest }] }, exec]), /no operation/],
    ['a definition with only one op', () => encodeDefinition({ def: [encodeOp(img)] }), /at least one op and the terminal/],
    ['the same op twice', () => def([img, img]), /appears twice/],
    ['metadata for an unknown digest', () => def([img], undefined, { 'sha256:beef': {} }), /metadata for sha256:beef/],
    ['bytes that are not a Definition', () => Uint8Array.from([0x0a, 0xff]), /cannot decode/],
  ];

  it.each(bad)('rejects %s', (_what, build, message) => {
    let caught: unknown;
    try {
      validateDefinition(build());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { name: string }).name).toBe('InternalError');
    expect((caught as { code: string }).code).toBe('E_LLB_INVALID');
    expect((caught as Error).message).toMatch(message);
  });
});
