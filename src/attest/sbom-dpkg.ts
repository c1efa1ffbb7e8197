/** Debian/Ubuntu packages from dpkg's database (/var/lib/dpkg/status), as an SBOM lists them. */
import { byText, field, parseParagraphs } from './sbom-rfc822';

export const DPKG_STATUS = '/var/lib/dpkg/status';

export interface DebPackage {
  name: string;
  version: string;
  architecture: string;
  /** the source package, when it differs from the binary's name (`Source: glibc (2.36-9)` gives glibc) */
  source?: string;
  /** the source package's version, when it differs from the binary's */
  sourceVersion?: string;
  maintainer?: string;
  homepage?: string;
}

/**
 * The installed packages of a status file, sorted by name and architecture. Entries dpkg only remembers
 * (removed with their config files kept, half-installed) are left out, as `dpkg-query -W` shows them with
 * no version and nothing of them is in the image.
 */
export function parseDpkgStatus(text: string): DebPackage[] {
  const pkgs: DebPackage[] = [];
  for (const p of parseParagraphs(text)) {
    const name = field(p, 'Package');
    const version = field(p, 'Version');
    const status = (field(p, 'Status') ?? '').split(/\s+/);
    if (!name || !version || status[2] !== 'installed') continue;
    const pkg: DebPackage = { name, version, architecture: field(p, 'Architecture') ?? 'all' };
    const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(field(p, 'Source') ?? '');
    if (src && src[1] !== name) pkg.source = src[1];
    if (src?.[2] && src[2] !== version) pkg.sourceVersion = src[2];
    const maintainer = field(p, 'Maintainer');
    if (maintainer) pkg.maintainer = maintainer;
    const homepage = field(p, 'Homepage');
    if (homepage) pkg.homepage = homepage;
    pkgs.push(pkg);
  }
  return pkgs.sort((a, b) => byText(debKey(a), debKey(b)));
}

/** name:architecture, how dpkg tells apart the same package for two architectures (multiarch). */
export function debKey(p: Pick<DebPackage, 'name' | 'architecture'>): string {
  return `${p.name}:${p.architecture}`;
}

/**
 * Package URL (purl spec, type deb): the distro is the namespace (`debian`, `ubuntu`), the version percent-
 * encoded (epochs have `:`), architecture and the source package as qualifiers in key order.
 */
export function debPurl(p: DebPackage, distro: string): string {
  const q = [`arch=${enc(p.architecture)}`];
  if (p.source || p.sourceVersion) q.push(`upstream=${enc(p.sourceVersion ? `${p.source ?? p.name}@${p.sourceVersion}` : p.source!)}`);
  return `pkg:deb/${enc(distro)}/${enc(p.name)}@${enc(p.version)}?${q.join('&')}`;
}

const enc = encodeURIComponent;
