/**
 * Public API of llb/: Plan → BuildKit LLB, the State builder beneath it, and the checks run before sending.
 *
 * Typical use (what `cogpack build` and the integration tests do):
 *
 *   const configs = …;  // each envImageRefs(plan) ref's config, from the daemon (Docker inspect / ResolveImageConfig)
 *   const llb = planToLlb(plan, { sessionId: session.id, imageEnv: imageEnvOf(configs) }); // validated pb.Definition bytes
 *   const config = mergeImageConfig(llb.imageConfig, baseConfig); // baseConfig: the runtime base's OCI config, or null
 *   await solve(conn, {
 *     definition: llb.definition,
 *     exporters: [{ type: 'moby', attrs: { name: 'docker.io/library/x:latest', 'containerimage.config': JSON.stringify(config) } }],
 *     sessionId: session.id,
 *   });
 *
 * - `llb.definition`: marshalled pb.Definition (ops inputs-first, terminal op last, `llb.customname` on every op).
 *   Already passed `validateDefinition`; call it again on any Definition built another way before sending it.
 * - `llb.stageLayers`: export stage ids in image layer order. The image's layers are the runtime base's layers,
 *   then one layer per id (a `layer: 'diff'` stage contributes one layer per exec/file op it ran; see plan-schema).
 * - `llb.layerDigests[id]`: digest of the op that is that stage's layer (Diff, or Copy(Diff) onto scratch), so a
 *   test can check which layers a plan change touched; `llb.result` is the image's top op (a Merge).
 * - `llb.dump()`: one readable entry per op (digest, kind, inputs, platform, description), as `cogpack llb --json`.
 * - Merge/Diff need BuildKit's `mergeop`/`diffop` caps: Docker must run with the containerd image store.
 * - A secret mount needs a session even when optional ("no active sessions" otherwise); local sources too.
 * - Plan symlinks become `ln -sfn` execs unless `symlinks: 'action'` (Docker 26.1's BuildKit v0.13 has no
 *   FileActionSymlink and rejects the `file.symlink.create` cap).
 * - Execs see a base image's config Env only through `imageEnv` (image env first, the stage's env over it, as after
 *   a Dockerfile FROM); both the CLI and the frontend fetch it for `envImageRefs(plan)`, so their LLB is the same.
 * - `daemonPlan(base, marker)` in ./sample-plan builds on a real daemon with no session (see its comment).
 */
export { planToLlb, type LlbOptions, type LlbResult } from './convert/plan-to-llb';
export { envImageRefs, imageEnvOf, type ImageEnv } from './convert/base-env';
export { baseConfigFields, mergeImageConfig, planImageConfig, DEFAULT_PATH, type OciImageConfig, type OciConfigBody } from './image-config';
export { validateDefinition } from './validate';
export { dumpOps, type LlbDumpEntry } from './dump';
export { marshal, type MarshalResult, type MarshaledOp, type MarshalOptions } from './marshal';
export { State, type NetworkMode } from './state';
export { merge } from './merge';
export { diff } from './diff';
export type { MountSpec, RunOptions, ExecResult } from './exec';
export type { PbProxyEnv as ProxyEnv } from './pb-types';
export type { FileActionSpec, CopyOptions } from './file';
export { encodeOp, encodeDefinition, decodeOp, decodeDefinition, sha256Digest } from './encode';
export { normalizeImageRef } from './image-ref';
