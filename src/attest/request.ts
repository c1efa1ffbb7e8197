/**
 * Which attestations a build asks for: `cogpack build --provenance …/--sbom …` and the frontend options buildx
 * sends (`attest:provenance=mode=max`, `attest:sbom=`, or `build-arg:BUILDKIT_ATTEST_PROVENANCE=…` as BuildKit
 * also reads them). Values are BuildKit's CSV form (`mode=max`, `disabled=true`, `type=provenance,mode=min`)
 * or a bare boolean / mode (`true`, `false`, `max`).
 */
import { UsageError } from '../errors';

export type ProvenanceMode = 'min' | 'max';

export interface AttestRequest {
  provenance?: ProvenanceMode;
  sbom?: boolean;
  /**
   * `inline-only=true` (what buildx sends for its default provenance): attach it to images only, not to
   * local/tar outputs. Kept per kind.
   */
  inlineOnly?: { provenance?: boolean; sbom?: boolean };
}

type Kind = 'provenance' | 'sbom';

interface Parsed {
  on: boolean;
  attrs: Record<string, string>;
}

const BOOL: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/** One value: a bare boolean or mode, or `k=v,k=v` (BuildKit splits it as CSV; cogpack's values have no quotes). */
function parseValue(kind: Kind, value: string, flag: string): Parsed {
  const v = value.trim();
  if (v === '') return { on: true, attrs: {} };
  if (v.toLowerCase() in BOOL) return { on: BOOL[v.toLowerCase()], attrs: {} };
  if (kind === 'provenance' && (v === 'min' || v === 'max')) return { on: true, attrs: { mode: v } };
  const attrs: Record<string, string> = {};
  for (const field of v.split(',')) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new UsageError('E_ATTEST_VALUE', `${flag} "${value}": "${field}" is not key=value`, { hint: hintFor(kind, flag) });
    attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  if (attrs.type !== undefined && attrs.type !== kind) {
    throw new UsageError('E_ATTEST_VALUE', `${flag} "${value}": type=${attrs.type} is not ${kind}`, { hint: hintFor(kind, flag) });
  }
  const disabled = attrs.disabled?.toLowerCase();
  if (disabled !== undefined && !(disabled in BOOL))
    throw new UsageError('E_ATTEST_VALUE', `${flag} "${value}": disabled=${attrs.disabled} is not a boolean`, { hint: hintFor(kind, flag) });
  return { on: !(disabled && BOOL[disabled]), attrs };
}

function hintFor(kind: Kind, flag: string): string {
  return kind === 'provenance' ? `use ${flag} mode=min, mode=max or false` : `use ${flag} true or false`;
}

function provenanceMode(p: Parsed, value: string, flag: string): ProvenanceMode | undefined {
  if (!p.on) return undefined;
  const mode = p.attrs.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max')
    throw new UsageError('E_ATTEST_VALUE', `${flag} "${value}": mode=${mode} is neither min nor max`, { hint: hintFor('provenance', flag) });
  return mode;
}

const inline = (p: Parsed): boolean => BOOL[(p.attrs['inline-only'] ?? '').toLowerCase()] === true;

/** `cogpack build --provenance VALUE`: the mode, or false for an explicit off. */
export function parseProvenanceFlag(value: string): ProvenanceMode | false {
  return provenanceMode(parseValue('provenance', value, '--provenance'), value, '--provenance') ?? false;
}

/** `cogpack build --sbom [VALUE]` (no value: on). */
export function parseSbomFlag(value: string | true): boolean {
  return value === true ? true : parseValue('sbom', value, '--sbom').on;
}

/**
 * buildx's default: provenance `mode=min` when the image is pushed, nothing otherwise (a given flag wins,
 * `--provenance false` included).
 */
export function defaultProvenance(given: ProvenanceMode | false | undefined, pushes: boolean): ProvenanceMode | undefined {
  if (given === false) return undefined;
  return given ?? (pushes ? 'min' : undefined);
}

/** The request in the frontend's options (`attest:*`, or `build-arg:BUILDKIT_ATTEST_*` when that is absent). */
export function attestRequestFromFrontendOpts(raw: Record<string, string>): AttestRequest {
  const req: AttestRequest = {};
  const value = (kind: Kind) => raw[`attest:${kind}`] ?? raw[`build-arg:BUILDKIT_ATTEST_${kind.toUpperCase()}`];
  const prov = value('provenance');
  if (prov !== undefined) {
    const p = parseValue('provenance', prov, 'attest:provenance');
    req.provenance = provenanceMode(p, prov, 'attest:provenance');
    if (req.provenance && inline(p)) req.inlineOnly = { ...req.inlineOnly, provenance: true };
  }
  const sbom = value('sbom');
  if (sbom !== undefined) {
    const p = parseValue('sbom', sbom, 'attest:sbom');
    if (p.on) req.sbom = true;
    if (p.on && inline(p)) req.inlineOnly = { ...req.inlineOnly, sbom: true };
  }
  return req;
}
