/**
 * `cogpack build`'s side of attestations (src/attest): the request from --provenance/--sbom (buildx's default:
 * provenance mode=min when an output pushes), the mode the daemon's SLSA provenance is asked for, and the facts
 * of cogpack's build record: the build's options without secret values, git, the project files' digests.
 */
import type { PlanData } from '../../../planner/plan-schema';
import { defaultProvenance, parseProvenanceFlag, parseSbomFlag, type AttestRequest, type BuildFacts } from '../../attest';
import { cogpackVersion, projectFileDigests, SHOWN_BUILD_ARGS } from '../../attest/facts';
import { interpretBuildArgs } from './build-args';
import type { OutputSpec } from '../export/output-spec';

/** The build options these read (a slice of BuildOptions). */
export interface AttestOptions {
  provenance?: string;
  sbom?: boolean | string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  reproducible?: boolean;
  compression?: string;
}

/** --provenance (default mode=min when an output pushes, as buildx) and --sbom, checked before planning. */
export function attestRequest(o: AttestOptions, outputs: readonly OutputSpec[]): AttestRequest {
  const given = o.provenance === undefined ? undefined : parseProvenanceFlag(o.provenance);
  const pushes = outputs.some((out) => out.type === 'image' && out.attrs.push === 'true');
  const sbom = o.sbom === undefined || o.sbom === false ? false : parseSbomFlag(o.sbom);
  const provenance = defaultProvenance(given, pushes);
  return { ...(provenance ? { provenance } : {}), ...(sbom ? { sbom } : {}) };
}

/**
 * The mode the daemon's SLSA provenance is asked for: mode=max records the LLB, whose execs carry the proxy build
 * args in proxy_env (BuildKit 0.13 keeps them there), so with a proxy the daemon is asked for mode=min and only
 * cogpack's build record, which never holds a proxy value, has the plan.
 */
export function daemonProvenanceMode(attest: AttestRequest, buildArgs: Readonly<Record<string, string>>): AttestRequest['provenance'] {
  return attest.provenance === 'max' && interpretBuildArgs(buildArgs).proxyEnv ? 'min' : attest.provenance;
}

export function provenanceWarnings(attest: AttestRequest, buildArgs: Readonly<Record<string, string>>): string[] {
  if (daemonProvenanceMode(attest, buildArgs) === attest.provenance) return [];
  return [
    "--provenance mode=max with a proxy build arg: the daemon's SLSA provenance is mode=min (its mode=max would record the proxy URL); cogpack's build record (cogpack-provenance.json) still has the plan",
  ];
}

/** The options that shape the build, as the build record shows them: secret ids and build-arg names, never their values. */
export function cliParameters(o: AttestOptions, attest: AttestRequest, outputs: readonly OutputSpec[], secretIds: readonly string[]): Record<string, unknown> {
  const args = o.buildArgs ?? {};
  return {
    tags: o.tags ?? [],
    outputs: outputs.map((out) => ({
      type: out.type,
      ...(out.attrs.name ? { name: out.attrs.name } : {}),
      ...(out.attrs.push ? { push: out.attrs.push } : {}),
    })),
    secrets: [...secretIds].sort(),
    // values only for what configures cogpack or the timestamps; proxies (may hold a password) and others by name
    buildArgs: Object.fromEntries(
      Object.keys(args)
        .sort()
        .map((k) => [k, SHOWN_BUILD_ARGS.has(k) ? args[k] : null]),
    ),
    noCache: Boolean(o.noCache),
    reproducible: Boolean(o.reproducible),
    ...(o.compression ? { compression: o.compression } : {}),
    provenance: attest.provenance ?? false,
    sbom: Boolean(attest.sbom),
  };
}

/** The build record's facts: the parameters, the git labels' commit (cog-build-labels.ts gitLabels), the project's files. */
export async function cliFacts(dir: string, plan: PlanData, parameters: Record<string, unknown>, gitLabels: Record<string, string>): Promise<BuildFacts> {
  const revision = gitLabels['org.opencontainers.image.revision'];
  const dirty = /-dirty$/.test(gitLabels['org.opencontainers.image.version'] ?? '');
  return {
    cogpackVersion: cogpackVersion(),
    via: 'cli',
    parameters,
    ...(revision ? { git: { commit: revision, source: gitLabels['org.opencontainers.image.source'], ...(dirty ? { dirty } : {}) } } : {}),
    files: await projectFileDigests(plan, { dir }),
  };
}
