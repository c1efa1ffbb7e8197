/**
 * SPDX 2.3 JSON from an image's inventory: one package for the image, one for its base and one per stage
 * (layer), the packages each brought (CONTAINS), CUDA/cuDNN and weight files. Deterministic: the same
 * inventory gives the same bytes (sorted, no clock; the namespace is a digest of the content).
 */
import { createHash } from 'node:crypto';
import { debKey, debPurl, type DebPackage } from './sbom-dpkg';
import { normalizeName, pypiPurl, type PythonDist } from './sbom-python';
import { byText } from './sbom-rfc822';

/** Where a package came from: `base` (the runtime base image) or an export stage id. */
export type LayerId = string;
export const BASE_LAYER: LayerId = 'base';

export interface SbomInventory {
  /** the document's name: the image's first name, else the project's */
  name: string;
  /** `Tool: cogpack-<version>` */
  tool: string;
  /** SOURCE_DATE_EPOCH of the build, seconds */
  epoch: number;
  base: { ref: string; digest?: string; distro?: string };
  /** export stages in layer order */
  stages: { id: string; name: string }[];
  debs: { pkg: DebPackage; layer: LayerId }[];
  python: { dist: PythonDist; layer: LayerId }[];
  /** cuda, cudnn: from the base's files or the plan's resolution (`source` says which) */
  toolkits: { name: string; version: string; source: string; layer: LayerId }[];
  files: { path: string; size: number; sha256: string; layer: LayerId }[];
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  primaryPackagePurpose?: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  homepage?: string;
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  licenseComments?: string;
  copyrightText: string;
  comment?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

const NONE = 'NOASSERTION';
const IMAGE_ID = 'SPDXRef-Image';

const hash8 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8);
/** SPDX ids allow letters, digits, `.` and `-` only; the hash keeps two names that sanitise alike apart. */
const spdxId = (kind: string, name: string, key: string): string => `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${hash8(key)}`;
const layerId = (layer: LayerId): string => (layer === BASE_LAYER ? 'SPDXRef-Base' : spdxId('Stage', layer, `stage\0${layer}`));
const purlRef = (locator: string) => [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: locator }];
const plain = { filesAnalyzed: false as const, licenseConcluded: NONE, copyrightText: NONE };

/** `2026-01-02T03:04:05Z`, the form SPDX gives for `created` (no fraction). */
export function spdxTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function debPackage(p: DebPackage, distro: string): SpdxPackage {
  return {
    SPDXID: spdxId('deb', p.name, debKey(p)),
    name: p.name,
    versionInfo: p.version,
    downloadLocation: NONE,
    ...plain,
    licenseDeclared: NONE,
    ...(p.homepage ? { homepage: p.homepage } : {}),
    ...(p.source || p.sourceVersion ? { sourceInfo: `built from source package ${p.source ?? p.name} ${p.sourceVersion ?? p.version}` } : {}),
    comment: `architecture ${p.architecture}`,
    externalRefs: purlRef(debPurl(p, distro)),
  };
}

function pythonPackage(d: PythonDist): SpdxPackage {
  return {
    SPDXID: spdxId('pypi', normalizeName(d.name), `${d.path}\0${d.name}`),
    name: d.name,
    versionInfo: d.version,
    downloadLocation: d.url && /^https?:\/\//.test(d.url) ? d.url : NONE,
    ...plain,
    ...(d.sha256 ? { checksums: [{ algorithm: 'SHA256', checksumValue: d.sha256 }] } : {}),
    ...(d.homepage ? { homepage: d.homepage } : {}),
    licenseDeclared: d.license,
    ...(d.licenseText ? { licenseComments: `License: ${d.licenseText}` } : {}),
    comment: `${d.installer ? `installed by ${d.installer} ` : ''}at ${d.path}`,
    externalRefs: purlRef(pypiPurl(d)),
  };
}

function structure(inv: SbomInventory): SpdxPackage[] {
  const image: SpdxPackage = { SPDXID: IMAGE_ID, name: inv.name, downloadLocation: NONE, primaryPackagePurpose: 'CONTAINER', ...plain, licenseDeclared: NONE };
  const b = inv.base;
  const repo =
    b.ref
      .replace(/[:@].*$/, '')
      .split('/')
      .pop() ?? b.ref;
  const base: SpdxPackage = {
    SPDXID: layerId(BASE_LAYER),
    name: b.ref,
    ...(b.digest ? { versionInfo: b.digest } : {}),
    downloadLocation: NONE,
    primaryPackagePurpose: 'CONTAINER',
    ...plain,
    licenseDeclared: NONE,
    comment: 'the runtime base image: its layers come first',
    ...(b.digest
      ? {
          externalRefs: purlRef(
            `pkg:oci/${repo}@${encodeURIComponent(b.digest)}?repository_url=${encodeURIComponent(b.ref.replace(/@.*$/, '').replace(/:[^/:]*$/, ''))}`,
          ),
        }
      : {}),
  };
  const stages = inv.stages.map((s, i): SpdxPackage => ({
    SPDXID: layerId(s.id),
    name: s.id,
    downloadLocation: NONE,
    primaryPackagePurpose: 'OTHER',
    ...plain,
    licenseDeclared: NONE,
    comment: `image layer ${i + 1} after the base: ${s.name}`,
  }));
  return [image, base, ...stages];
}

export function spdxDocument(inv: SbomInventory): SpdxDocument {
  const distro = inv.base.distro ?? 'debian';
  const owned: [LayerId, SpdxPackage][] = [
    ...inv.debs.map((d): [LayerId, SpdxPackage] => [d.layer, debPackage(d.pkg, distro)]),
    ...inv.python.map((p): [LayerId, SpdxPackage] => [p.layer, pythonPackage(p.dist)]),
    ...inv.toolkits.map((t): [LayerId, SpdxPackage] => [
      t.layer,
      {
        SPDXID: spdxId('toolkit', t.name, t.name),
        name: t.name,
        versionInfo: t.version,
        downloadLocation: NONE,
        ...plain,
        licenseDeclared: NONE,
        comment: `version from ${t.source}`,
      },
    ]),
    ...inv.files.map((f): [LayerId, SpdxPackage] => [
      f.layer,
      {
        SPDXID: spdxId('file', f.path.split('/').pop() ?? 'file', f.path),
        name: f.path,
        downloadLocation: NONE,
        primaryPackagePurpose: 'FILE',
        ...plain,
        checksums: [{ algorithm: 'SHA256', checksumValue: f.sha256 }],
        licenseDeclared: NONE,
        comment: `model weights, ${f.size} bytes`,
      },
    ]),
  ];
  owned.sort((a, b) => byText(a[1].SPDXID, b[1].SPDXID));
  const layers = structure(inv);
  const rel = (a: string, type: string, b: string) => ({ spdxElementId: a, relationshipType: type, relatedSpdxElement: b });
  const relationships = [
    rel('SPDXRef-DOCUMENT', 'DESCRIBES', IMAGE_ID),
    ...layers.slice(1).map((l) => rel(IMAGE_ID, 'CONTAINS', l.SPDXID)),
    ...owned.map(([layer, p]) => rel(layerId(layer), 'CONTAINS', p.SPDXID)),
  ];
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: inv.name,
    documentNamespace: '',
    creationInfo: { created: spdxTime(inv.epoch), creators: [inv.tool] },
    packages: [...layers, ...owned.map(([, p]) => p)],
    relationships,
  };
  // unique per content, the same for the same content (SPDX wants a URI no other document uses)
  const digest = createHash('sha256').update(JSON.stringify(doc)).digest('hex');
  doc.documentNamespace = `https://cogpack.dev/spdx/${encodeURIComponent(inv.name.replace(/[^A-Za-z0-9._-]+/g, '-'))}-${digest}`;
  return doc;
}
