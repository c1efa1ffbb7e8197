/**
 * What an SPDX 2.3 JSON document must have (spec §6–§11 required fields), as a list of problems: the tests
 * run it on every document cogpack makes, unit and real-image alike.
 */
const ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

export function spdxProblems(doc: unknown): string[] {
  const out: string[] = [];
  const d = doc as Record<string, unknown>;
  if (d.spdxVersion !== 'SPDX-2.3') out.push('spdxVersion is not SPDX-2.3');
  if (d.dataLicense !== 'CC0-1.0') out.push('dataLicense is not CC0-1.0');
  if (d.SPDXID !== 'SPDXRef-DOCUMENT') out.push('SPDXID is not SPDXRef-DOCUMENT');
  if (typeof d.name !== 'string' || !d.name) out.push('no name');
  if (typeof d.documentNamespace !== 'string' || !/^[a-z]+:\/\/[^#\s]+$/.test(d.documentNamespace)) out.push('documentNamespace is not a URI without #');
  const ci = d.creationInfo as { created?: unknown; creators?: unknown } | undefined;
  if (typeof ci?.created !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(ci.created)) out.push('creationInfo.created is not YYYY-MM-DDThh:mm:ssZ');
  if (!Array.isArray(ci?.creators) || !ci.creators.length || !ci.creators.every((c) => /^(Tool|Person|Organization): \S/.test(String(c))))
    out.push('creationInfo.creators');
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const p of (d.packages ?? []) as Record<string, unknown>[]) {
    const id = String(p.SPDXID);
    if (!ID.test(id)) out.push(`package SPDXID ${id}`);
    if (ids.has(id)) out.push(`SPDXID ${id} twice`);
    ids.add(id);
    if (typeof p.name !== 'string' || !p.name) out.push(`${id}: no name`);
    if (typeof p.downloadLocation !== 'string' || !p.downloadLocation) out.push(`${id}: no downloadLocation`);
    if (p.filesAnalyzed !== false) out.push(`${id}: filesAnalyzed must be false (no files listed)`);
    if ('versionInfo' in p && (typeof p.versionInfo !== 'string' || !p.versionInfo)) out.push(`${id}: empty versionInfo`);
    for (const c of (p.checksums ?? []) as { algorithm?: string; checksumValue?: string }[]) {
      if (c.algorithm !== 'SHA256' || !/^[0-9a-f]{64}$/.test(c.checksumValue ?? '')) out.push(`${id}: checksum ${JSON.stringify(c)}`);
    }
  }
  const rels = (d.relationships ?? []) as Record<string, string>[];
  if (!rels.some((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')) out.push('no DESCRIBES relationship');
  for (const r of rels) {
    if (!ids.has(r.spdxElementId) || !ids.has(r.relatedSpdxElement)) out.push(`relationship names an unknown element: ${JSON.stringify(r)}`);
  }
  return out;
}
