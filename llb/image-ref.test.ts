import { normalizeImageRef } from './image-ref';

describe('normalizeImageRef', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['python:3.11-slim', 'docker.io/library/python:3.11-slim'],
    ['nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04', 'docker.io/nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04'],
    ['docker.io/library/alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['cogpack.local/debian-python:bookworm', 'cogpack.local/debian-python:bookworm'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['alpine@sha256:abc', 'docker.io/library/alpine@sha256:abc'],
    ['r.example.com:5000/a/b:1@sha256:abc', 'r.example.com:5000/a/b:1@sha256:abc'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeImageRef(input)).toBe(expected);
  });

  it('rejects empty and spaced refs', () => {
    expect(() => normalizeImageRef('')).toThrow(/invalid image reference/);
    expect(() => normalizeImageRef('a b')).toThrow(/invalid image reference/);
  });
});
