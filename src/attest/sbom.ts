/**
 * The SBOM attestation (SPDX 2.3 JSON, predicate type https://spdx.dev/Document) of the built image, read from
 * its filesystem inside the build (./sbom-generate.ts); this file maps the attestation interface onto it.
 */
import type { AttestationDocument, AttestInput } from './index';
import { cogpackVersion } from './facts';
import { localWeightFiles } from './sbom-files';
import { sbomFromBridge } from './sbom-generate';
import { INPUTS_LABEL } from '../../planner/inputs/record';

/** the name buildx gives the SBOM in `--output type=local` */
export const SBOM_FILE = 'sbom.spdx.json';

export async function sbomAttestation(input: AttestInput): Promise<AttestationDocument> {
  const { plan } = input;
  const name = input.imageName ?? input.imageNames[0] ?? 'image';
  const predicate = await sbomFromBridge(input.bridge, {
    plan,
    llb: input.llb,
    name,
    epoch: input.sourceDateEpoch ?? 0,
    version: cogpackVersion(),
    baseDigest: input.baseImages.find((b) => b.ref === plan.base_image.runtime)?.digest,
    localFile: input.contextDir === undefined ? undefined : localWeightFiles(plan, input.contextDir),
    stageInputs: stageInputs(input.config.config.Labels?.[INPUTS_LABEL]),
  });
  return { predicateType: 'https://spdx.dev/Document', fileName: SBOM_FILE, predicate, reason: 'sbom' };
}

/** Stage id → inputs digest from the image's dev.cogpack.inputs label (the CLI writes it); none when absent or unreadable. */
function stageInputs(label: string | undefined): Record<string, string> | undefined {
  if (!label) return undefined;
  try {
    const stages = (JSON.parse(label) as { stages?: Record<string, { d?: unknown }> }).stages ?? {};
    return Object.fromEntries(
      Object.entries(stages)
        .filter(([, v]) => typeof v?.d === 'string')
        .map(([id, v]) => [id, v.d as string]),
    );
  } catch {
    return undefined;
  }
}
