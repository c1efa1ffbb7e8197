import { debPurl, parseDpkgStatus } from './sbom-dpkg';

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 .
 the system.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: old-thing
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: libjq1
Status: install ok installed
Architecture: amd64
Source: jq (1.6-2.1)
Version: 1.6-2.1+b1

Package: base-files
Status: hold ok installed
Architecture: all
Version: 1:12.4+deb12u5
`;

describe('parseDpkgStatus', () => {
  const pkgs = parseDpkgStatus(STATUS);

  it('keeps installed packages only, sorted by name:arch', () => {
    expect(pkgs.map((p) => `${p.name}:${p.architecture}=${p.version}`)).toEqual([
      'base-files:all=1:12.4+deb12u5',
      'libc6:amd64=2.36-9+deb12u4',
      'libjq1:amd64=1.6-2.1+b1',
    ]);
  });

  it('reads the source package and its version, multi-line fields and homepage', () => {
    expect(pkgs[1]).toMatchObject({ source: 'glibc', homepage: 'https://www.gnu.org/software/libc/libc.html' });
    expect(pkgs[1].sourceVersion).toBeUndefined();
    expect(pkgs[2]).toMatchObject({ source: 'jq', sourceVersion: '1.6-2.1' });
  });

  it('gives a purl with the epoch and + percent-encoded', () => {
    expect(debPurl(pkgs[0], 'debian')).toBe('pkg:deb/debian/base-files@1%3A12.4%2Bdeb12u5?arch=all');
    expect(debPurl(pkgs[2], 'debian')).toBe('pkg:deb/debian/libjq1@1.6-2.1%2Bb1?arch=amd64&upstream=jq%401.6-2.1');
  });

  it('takes CRLF files and a missing trailing newline', () => {
    expect(parseDpkgStatus('Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\nArchitecture: amd64')).toEqual([
      { name: 'a', version: '1', architecture: 'amd64' },
    ]);
  });
});
