/**
 * Python distributions as installed (`*.dist-info`, `*.egg-info`): core metadata (RFC 822 headers), the
 * installer pip/uv recorded, the archive hash of `direct_url.json`, and a declared license as SPDX.
 */
import licenseNames from './data/license-names.json';
import { field, fieldAll, parseFields } from './sbom-rfc822';
import { normalizeName } from '../../planner/project/requirements';

export interface PythonDist {
  /** the Name header as written (pip list shows it so) */
  name: string;
  version: string;
  /** an SPDX license expression, or NOASSERTION */
  license: string;
  /** the License header's first line, kept when it could not be read as SPDX */
  licenseText?: string;
  /** INSTALLER: pip, uv, … */
  installer?: string;
  /** from direct_url.json: where a URL/file install came from, and its archive's digest */
  url?: string;
  sha256?: string;
  homepage?: string;
  /** the metadata directory in the image, e.g. /usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info */
  path: string;
}

/** Header fields of core metadata: everything up to the first blank line (the rest is the description). */
export function metadataHeaders(text: string): ReturnType<typeof parseFields> {
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => l.trim() === '');
  return parseFields(end < 0 ? lines : lines.slice(0, end));
}

/** The dist's name, version and declared license from METADATA / PKG-INFO. */
export function parseMetadata(text: string): Pick<PythonDist, 'name' | 'version' | 'license' | 'licenseText' | 'homepage'> | undefined {
  const h = metadataHeaders(text);
  const name = field(h, 'Name');
  const version = field(h, 'Version');
  if (!name || !version) return undefined;
  const out: Pick<PythonDist, 'name' | 'version' | 'license' | 'licenseText' | 'homepage'> = { name, version, license: 'NOASSERTION' };
  const declared = declaredLicense(field(h, 'License-Expression'), field(h, 'License'), fieldAll(h, 'Classifier'));
  out.license = declared.license;
  if (declared.text) out.licenseText = declared.text;
  const home = field(h, 'Home-page') ?? projectUrl(fieldAll(h, 'Project-URL'));
  if (home && /^https?:\/\//.test(home)) out.homepage = home;
  return out;
}

function projectUrl(urls: string[]): string | undefined {
  const entry = urls.map((u) => u.split(',').map((s) => s.trim())).find(([label]) => /^home-?page$/i.test(label ?? ''));
  return entry?.[1];
}

/**
 * License-Expression (metadata 2.4) wins; else a License value that names one license; else the license
 * classifiers (several are alternatives, as packages list them for dual licensing). Free text that names no
 * known license is NOASSERTION, with its first line kept for a reader.
 */
export function declaredLicense(
  expression: string | undefined,
  license: string | undefined,
  classifiers: readonly string[],
): { license: string; text?: string } {
  if (expression && isSpdxExpression(expression)) return { license: expression.trim() };
  const text = license?.split('\n')[0].trim();
  const named = text ? knownName(text) : undefined;
  if (named) return { license: named };
  const fromClassifiers = [...new Set(classifiers.map(classifierLicense).filter((x): x is string => Boolean(x)))].sort();
  const kept = text && !/^(unknown|none|)$/i.test(text) ? { text: text.slice(0, 200) } : {};
  if (fromClassifiers.length === 1) return { license: fromClassifiers[0], ...kept };
  if (fromClassifiers.length > 1) return { license: `(${fromClassifiers.join(' OR ')})`, ...kept };
  return { license: 'NOASSERTION', ...kept };
}

function knownName(text: string): string | undefined {
  const names = licenseNames.names as Record<string, string>;
  return names[text.toLowerCase()] ?? (isSpdxExpression(text) && /\b(AND|OR|WITH)\b/.test(text) ? text : undefined);
}

function classifierLicense(c: string): string | undefined {
  const m = /^License\s*::\s*(.+)$/.exec(c.trim());
  return m ? (licenseNames.classifiers as Record<string, string>)[m[1].replace(/\s*::\s*/g, ' :: ')] : undefined;
}

/** Simple SPDX expression syntax: ids, LicenseRef-/DocumentRef-, AND/OR/WITH, balanced parentheses. */
export function isSpdxExpression(s: string): boolean {
  const tokens = s
    .trim()
    .split(/\s+|(?=[()])|(?<=[()])/)
    .filter(Boolean);
  let depth = 0;
  let wantId = true;
  for (const t of tokens) {
    if (t === '(') {
      if (!wantId) return false;
      depth++;
    } else if (t === ')') {
      if (wantId || --depth < 0) return false;
    } else if (/^(AND|OR|WITH)$/.test(t)) {
      if (wantId) return false;
      wantId = true;
    } else {
      if (!wantId || !/^[A-Za-z0-9][A-Za-z0-9.\-:]*\+?$/.test(t)) return false;
      wantId = false;
    }
  }
  return tokens.length > 0 && depth === 0 && !wantId;
}

/** direct_url.json (PEP 610): the archive's URL and sha256 when pip/uv installed from a URL or file. */
export function parseDirectUrl(text: string): { url?: string; sha256?: string } {
  let doc: { url?: unknown; archive_info?: { hash?: unknown; hashes?: Record<string, unknown> } };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return {};
  }
  const out: { url?: string; sha256?: string } = {};
  if (typeof doc.url === 'string' && doc.archive_info) out.url = doc.url;
  const hashes = doc.archive_info?.hashes;
  const legacy = typeof doc.archive_info?.hash === 'string' ? /^sha256=([0-9a-f]{64})$/i.exec(doc.archive_info.hash) : null;
  const sha = typeof hashes?.sha256 === 'string' ? hashes.sha256 : legacy?.[1];
  if (sha && /^[0-9a-f]{64}$/i.test(sha)) out.sha256 = sha.toLowerCase();
  return out;
}

/** PEP 503 normalised name: what pip compares, and the purl's name (one home: planner/project/requirements.ts). */
export { normalizeName };

export function pypiPurl(d: Pick<PythonDist, 'name' | 'version'>): string {
  return `pkg:pypi/${encodeURIComponent(normalizeName(d.name))}@${encodeURIComponent(d.version)}`;
}
