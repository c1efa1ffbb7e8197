import { applyImageMap, loadImageMap, normaliseImageRef, parseImageMap, tryNormaliseImageRef } from './image-map';
import { UsageError } from '../src/errors';

describe('normaliseImageRef', () => {
  test.each([
    ['python:3.11-slim', 'docker.io/library/python:3.11-slim'],
    ['ubuntu', 'docker.io/library/ubuntu:latest'],
    ['library/ubuntu:22.04', 'docker.io/library/ubuntu:22.04'],
    ['nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', 'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04'],
    ['docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', 'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04'],
    ['index.docker.io/library/python:3.12-slim', 'docker.io/library/python:3.12-slim'],
    ['localhost:5000/team/img', 'localhost:5000/team/img:latest'],
    ['localhost/img:1', 'localhost/img:1'],
    ['cogpack.local/debian-python:bookworm', 'cogpack.local/debian-python:bookworm'],
    ['ghcr.io/a/b@sha256:' + 'a'.repeat(64), 'ghcr.io/a/b@sha256:' + 'a'.repeat(64)],
    ['python:3.11@sha256:' + 'b'.repeat(64), 'docker.io/library/python:3.11@sha256:' + 'b'.repeat(64)],
  ])('%s → %s', (ref, want) => {
    expect(normaliseImageRef(ref)).toBe(want);
  });

  test.each(['', 'Python:3.11', 'python:', 'a//b', 'python:bad tag', 'x@sha256:short', ':tag'])('rejects %j', (ref) => {
    expect(tryNormaliseImageRef(ref)).toBeNull();
    expect(() => normaliseImageRef(ref)).toThrow(UsageError);
  });
});

describe('parseImageMap', () => {
  test('parses comma-separated SRC=DST into normalised refs', () => {
    expect(
      parseImageMap('python:3.11-slim=cogpack.local/debian-python:bookworm, nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04=cogpack.local/cuda-standin:bookworm'),
    ).toEqual({
      'docker.io/library/python:3.11-slim': 'cogpack.local/debian-python:bookworm',
      'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04': 'cogpack.local/cuda-standin:bookworm',
    });
  });

  test('empty spec and empty entries give an empty map', () => {
    expect(parseImageMap('')).toEqual({});
    expect(parseImageMap(' , ')).toEqual({});
  });

  test.each([
    ['python:3.11-slim', /"python:3.11-slim" has no "="/],
    ['=mirror/python:3.11', /invalid source image/],
    ['python:3.11-slim=', /invalid target image/],
    ['python:3.11-slim=Mirror/X', /invalid target image/],
    ['a=b,a=c', /maps docker.io\/library\/a:latest a second time/],
  ])('bad entry %j → UsageError naming the entry and the fix', (spec, msg) => {
    let err: unknown;
    try {
      parseImageMap(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const u = err as UsageError;
    expect(u.message).toMatch(msg);
    expect(u.code).toBe('E_IMAGE_MAP');
    expect(u.exitCode).toBe(64);
    expect(u.hint).toMatch(/SRC=DST/);
  });
});

describe('loadImageMap and applyImageMap', () => {
  test('flags override COGPACK_IMAGE_MAP', () => {
    const map = loadImageMap(['python:3.11-slim=flag/python:1'], { COGPACK_IMAGE_MAP: 'python:3.11-slim=env/python:1,ubuntu=env/ubuntu:1' });
    expect(map).toEqual({ 'docker.io/library/python:3.11-slim': 'docker.io/flag/python:1', 'docker.io/library/ubuntu:latest': 'docker.io/env/ubuntu:1' });
  });

  test('matches on normalised refs, whatever spelling either side used', () => {
    const map = parseImageMap('docker.io/library/python:3.11-slim=cogpack.local/debian-python:bookworm');
    expect(applyImageMap('python:3.11-slim', map)).toBe('cogpack.local/debian-python:bookworm');
    expect(applyImageMap('index.docker.io/library/python:3.11-slim', map)).toBe('cogpack.local/debian-python:bookworm');
  });

  test('a hand-written (unnormalised) map still matches', () => {
    expect(applyImageMap('docker.io/library/ubuntu:latest', { ubuntu: 'mirror.local/ubuntu:22.04' })).toBe('mirror.local/ubuntu:22.04');
  });

  test('unmapped refs come back normalised, different tags do not match', () => {
    const map = parseImageMap('python:3.11-slim=mirror.local/python:3.11-slim');
    expect(applyImageMap('python:3.12-slim', map)).toBe('docker.io/library/python:3.12-slim');
  });
});

describe('wildcard entries', () => {
  test('repo:* maps every tag, keeping it when DST ends in :*', () => {
    const map = parseImageMap('nvidia/cuda:*=mirror.local/nvidia/cuda:*');
    expect(map).toEqual({ 'docker.io/nvidia/cuda:*': 'mirror.local/nvidia/cuda:*' });
    expect(applyImageMap('docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', map)).toBe('mirror.local/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04');
    expect(applyImageMap('nvidia/cudagl:11.4', map)).toBe('docker.io/nvidia/cudagl:11.4');
  });

  test('repo:* to one image maps every tag to it (the CUDA stand-in of the tests)', () => {
    const map = parseImageMap('nvidia/cuda:*=cogpack.local/cuda-standin:bookworm');
    expect(applyImageMap('nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04', map)).toBe('cogpack.local/cuda-standin:bookworm');
  });

  test('prefix/* rewrites everything under a registry or namespace; the longest prefix wins; exact entries beat wildcards', () => {
    const map = parseImageMap('docker.io/*=mirror.local/dockerhub/*,nvidia/*=gpu.local/*,python:3.11-slim=cogpack.local/debian-python:bookworm');
    expect(applyImageMap('python:3.12-slim', map)).toBe('mirror.local/dockerhub/library/python:3.12-slim');
    expect(applyImageMap('nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', map)).toBe('gpu.local/cuda:12.1.1-cudnn8-devel-ubuntu22.04');
    expect(applyImageMap('python:3.11-slim', map)).toBe('cogpack.local/debian-python:bookworm');
    expect(applyImageMap('ghcr.io/x/y:1', map)).toBe('ghcr.io/x/y:1');
  });

  test.each([
    ['python:3.11-slim=mirror.local/python:*', /maps an image to a repository:\*/],
    ['docker.io/*=mirror.local/python:3.11', /maps a prefix\/\* to an image/],
    ['nvidia/cuda:*=gpu.local/*', /maps a repository:\* to a prefix\/\*/],
    ['Bad/*=x/*', /invalid source image/],
  ])('bad wildcard %j', (spec, msg) => {
    expect(() => parseImageMap(spec)).toThrow(msg);
  });
});
