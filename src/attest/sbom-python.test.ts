import { declaredLicense, isSpdxExpression, parseDirectUrl, parseMetadata, pypiPurl } from './sbom-python';

describe('parseMetadata', () => {
  it('reads headers up to the body, License-Expression first', () => {
    const text =
      'Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 1.2.3\nLicense-Expression: MIT OR Apache-2.0\nLicense: whatever\nClassifier: License :: OSI Approved :: BSD License\n\nLicense: not a header\n';
    expect(parseMetadata(text)).toEqual({ name: 'Foo_Bar', version: '1.2.3', license: 'MIT OR Apache-2.0' });
  });

  it('keeps a multi-line License as NOASSERTION with its first line, continuation lines belong to it', () => {
    const text =
      'Metadata-Version: 2.1\nName: thing\nVersion: 0.1\nLicense: Copyright (c) 2020 Someone\n        All rights reserved.\n        Redistribution and use ...\nHome-page: https://example.org/thing\n\nbody';
    expect(parseMetadata(text)).toEqual({
      name: 'thing',
      version: '0.1',
      license: 'NOASSERTION',
      licenseText: 'Copyright (c) 2020 Someone',
      homepage: 'https://example.org/thing',
    });
  });

  it('maps a known License name, else the classifiers (several are alternatives)', () => {
    expect(declaredLicense(undefined, 'Apache 2.0', [])).toEqual({ license: 'Apache-2.0' });
    expect(declaredLicense(undefined, 'UNKNOWN', ['License :: OSI Approved :: MIT License'])).toEqual({ license: 'MIT' });
    expect(declaredLicense(undefined, undefined, ['License :: OSI Approved :: MIT License', 'License :: OSI Approved :: Apache Software License'])).toEqual({
      license: '(Apache-2.0 OR MIT)',
    });
    expect(declaredLicense(undefined, undefined, ['License :: OSI Approved :: BSD License'])).toEqual({ license: 'NOASSERTION' });
    expect(declaredLicense('not ( valid', undefined, [])).toEqual({ license: 'NOASSERTION' });
  });

  it('needs a name and a version', () => {
    expect(parseMetadata('Name: x\n')).toBeUndefined();
  });

  it('takes the Home-page from Project-URL', () => {
    expect(parseMetadata('Name: x\nVersion: 1\nProject-URL: Homepage, https://x.example\n')?.homepage).toBe('https://x.example');
  });
});

describe('isSpdxExpression', () => {
  it.each([
    ['MIT', true],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', true],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', true],
    ['LicenseRef-Proprietary', true],
    ['MIT OR', false],
    ['(MIT', false],
    ['Copyright 2020 me', false],
    ['', false],
  ])('%s → %s', (s, ok) => {
    expect(isSpdxExpression(s)).toBe(ok);
  });
});

describe('parseDirectUrl', () => {
  it('reads archive_info.hashes and the legacy hash, ignores dir installs', () => {
    const sha = 'a'.repeat(64);
    expect(parseDirectUrl(JSON.stringify({ url: 'file:///w/x-1-py3-none-any.whl', archive_info: { hashes: { sha256: sha } } }))).toEqual({
      url: 'file:///w/x-1-py3-none-any.whl',
      sha256: sha,
    });
    expect(parseDirectUrl(JSON.stringify({ url: 'https://h/x.whl', archive_info: { hash: `sha256=${sha}` } }))).toEqual({
      url: 'https://h/x.whl',
      sha256: sha,
    });
    expect(parseDirectUrl(JSON.stringify({ url: 'file:///src', dir_info: {} }))).toEqual({});
    expect(parseDirectUrl('{')).toEqual({});
  });
});

it('pypiPurl normalises the name and encodes the local version', () => {
  expect(pypiPurl({ name: 'Foo_Bar.baz', version: '2.3.1+cu121' })).toBe('pkg:pypi/foo-bar-baz@2.3.1%2Bcu121');
});
