/**
 * What a cog.yaml's predictor keys mean for the image's SDK. cog 0.20 renamed `predict` to `run`; an older
 * SDK (0.13.6 reads `predict`/`train` from /src/cog.yaml) would not see `run`. The image always carries
 * COG_PREDICT_TYPE_STUB/COG_TRAIN_TYPE_STUB (blocks/export-config.ts), which every SDK reads before the
 * file, so either key works in a cogpack image; the deprecation warning only advises `run` when the SDK
 * the image gets is known to read it too (pinned ≥ 0.20, or the latest from the index), so following the
 * advice never breaks `cog` itself on the same project.
 */
import type { CogSdkSource } from './plan-options';
import { ConfigError } from '../src/errors';
import { hasPredictor, type CogConfig } from './project/cog-yaml';

/** The first SDK release that reads `run:` (cog's predict → run rename). */
const RUN_KEY_SINCE: [number, number] = [0, 20];

/** The SDK version the image gets: `latest`, a version, or undefined when cogpack cannot know (`--cog-sdk none`). */
export function sdkVersion(cog: CogConfig, sdk: CogSdkSource): string | undefined {
  if (sdk.kind === 'none') return undefined;
  if (sdk.kind === 'wheel') return sdk.version;
  const pinned = cog.data.build?.sdk_version;
  return pinned === undefined || pinned === 'prerelease' ? 'latest' : pinned;
}

function readsRunKey(version: string | undefined): boolean {
  if (version === 'latest') return true;
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > RUN_KEY_SINCE[0] || (major === RUN_KEY_SINCE[0] && minor >= RUN_KEY_SINCE[1]);
}

/** Warnings about the predictor keys, and the `cogpack build` error when there is none (as `cog build`). */
export function predictorChecks(cog: CogConfig, sdk: CogSdkSource, requirePredictor: boolean): string[] {
  if (!hasPredictor(cog)) {
    const msg = 'cog.yaml sets none of run, predict or train, so the image would serve nothing';
    const hint = 'add run: "predict.py:Predictor" (the file and class of your predictor)';
    if (requirePredictor) throw new ConfigError('E_COG_YAML_NO_PREDICTOR', msg, { file: cog.file, line: 1, hint });
    return [`${cog.file}:1: ${msg}; \`cogpack build\` refuses it (${hint})`];
  }
  if (cog.data.predict === undefined || !readsRunKey(sdkVersion(cog, sdk))) return [];
  return [`${cog.file}:${cog.lineOf(['predict'])}: predict is deprecated since cog 0.20; use run (same value)`];
}
