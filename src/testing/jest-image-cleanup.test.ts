import { refsMadeBy } from './jest-image-cleanup';

describe('refsMadeBy', () => {
  const source = "build(dir, { tags: ['cogpack-it/secret:1'] }); push(`${registry}/cogpack-it/export-return:${tag}`)";
  const before = new Set(['cogpack.local/debian-python:bookworm', 'someone/else:1']);

  it('picks the new references the test file names, registry-qualified ones too', () => {
    const after = new Set([...before, 'cogpack-it/secret:1', '127.0.0.1:5000/cogpack-it/export-return:abc', 'cogpack-it/other:1', 'cogpack.local/new:1']);
    expect(refsMadeBy(source, before, after)).toEqual(['127.0.0.1:5000/cogpack-it/export-return:abc', 'cogpack-it/secret:1']);
  });

  it('picks new per-run base images (cogpack.local/it-*), never other cogpack.local images or older per-run ones', () => {
    const old = 'cogpack.local/it-debian-python-bookworm:1-1';
    const after = new Set([...before, old, 'cogpack.local/it-debian-python-bookworm:2-2', 'cogpack.local/debian-python:trixie']);
    expect(refsMadeBy(source, new Set([...before, old]), after)).toEqual(['cogpack.local/it-debian-python-bookworm:2-2']);
  });

  it('leaves references that existed before alone, even when the file names them', () => {
    expect(refsMadeBy(source, new Set(['cogpack-it/secret:1']), new Set(['cogpack-it/secret:1']))).toEqual([]);
  });
});
