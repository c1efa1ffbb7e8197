/**
 * Plan → LLB: each export stage becomes one layer, and the image is Merge([runtime base, layer₁, …]) so a
 * change in one stage leaves every other layer byte-identical and reusable. Never branches on block names.
 */
import type { PlanData, Stage } from '../../planner/plan-schema';
import { dumpOps, type LlbDumpEntry } from '../dump';
import { planImageConfig, type OciImageConfig } from '../image-config';
import { marshal, type MarshaledOp } from '../marshal';
import type { PbProxyEnv as ProxyEnv } from '../pb-types';
import { State } from '../state';
import { validateDefinition } from '../validate';
import type { ImageEnv } from './base-env';
import { PlanGraph } from './inputs';
import type { SymlinkMode } from './operations';

export interface LlbOptions {
  /** `local.session` on every local source (the build's session id) */
  sessionId?: string;
  /** ignore_cache on every op */
  noCache?: boolean;
  /** prefix of `local.sharedkeyhint` (default: the context name alone) */
  contextsSharedKey?: string;
  /** `image.resolvemode` on every docker-image source (`local` for images only in the daemon's store) */
  imageResolveMode?: 'default' | 'pull' | 'local';
  /** `exec` (default, works on Docker 26.1 / BuildKit v0.13) or `action` (FileActionSymlink, BuildKit ≥ v0.19) */
  symlinks?: SymlinkMode;
  /** the client's local name serving a plan context (default: the context name); the frontend maps all to `context` */
  localName?: (context: string) => string;
  /** mtime (ns) of every file in squash layers; default SQUASH_MTIME_NS (1980-01-01), null = keep the snapshot's */
  squashMtime?: number | null;
  /** proxies every plan exec gets through ExecOp Meta.proxy_env (not part of the cache key; see GraphOptions) */
  proxyEnv?: ProxyEnv;
  /**
   * Config Env per image ref (from the daemon, for the refs `envImageRefs(plan)` lists): each stage's execs start
   * from the env of the image its source chain starts at, then the stage's env, as after a Dockerfile `FROM`.
   * Unset = the stage env alone (LLB bytes as before). The final image config is merged separately (mergeImageConfig).
   */
  imageEnv?: ImageEnv;
}

export interface LlbResult {
  /** marshalled pb.Definition, already validated */
  definition: Uint8Array;
  /** image config from the plan only; pass it through mergeImageConfig with the base image's config */
  imageConfig: OciImageConfig;
  /** export stage ids in layer order: the image's layers are [runtime base layers…, one per id] */
  stageLayers: string[];
  /** digest of the op each export stage's layer is (Diff or squash Copy), by stage id */
  layerDigests: Record<string, string>;
  /** digest of the image's top op (what the terminal op points at) */
  result: string;
  /** the ops, inputs first, without the terminal op */
  ops: readonly MarshaledOp[];
  /**
   * The image without the layers of stages that only write files (code, weights, scripts): what the build
   * installed, for what inspects it (the SBOM). Editing code leaves this state unchanged.
   */
  installed: State;
  /**
   * What `pip freeze` reads of the image: `installed`, but of every installing stage other than those that
   * provide python or pip or declare nothing they provide (build.run) only its Python distribution metadata,
   * pip and .pth/sitecustomize files (FREEZE_VIEW). Each such view is a copy keyed by its content, so an edit
   * that changes no distribution (an apt package without Python modules) leaves this state, and BuildKit's
   * cached answer to the freeze, unchanged: an apt edit does not run the freeze again.
   */
  freezeRoot: State;
  /** the whole image, for commands that need the code too (cog's schema command, when the plan could not make it) */
  image: State;
  /** the runtime base image, the image's first layers */
  base: State;
  /** each export stage's one layer (what a Diff or squash holds), by stage id: what that stage added to the image */
  layers: Record<string, State>;
  dump(): LlbDumpEntry[];
}

/**
 * The files of a layer that `python -m pip freeze` reads when the layer does not hold the interpreter: the
 * metadata of installed distributions (dist-info, egg-info, eggs, egg-links), .pth files (they extend sys.path),
 * site/user customisation, and pip itself (a requirement or apt may upgrade it, and that pip prints the freeze).
 */
export const FREEZE_VIEW = [
  '**/*.dist-info',
  '**/*.egg-info',
  '**/*.egg',
  '**/*.egg-link',
  '**/*.pth',
  '**/sitecustomize.py',
  '**/usercustomize.py',
  '**/site-packages/pip',
  '**/dist-packages/pip',
  '**/_distutils_hack',
];

/** A stage that provides nothing it names (build.run) may change anything, the interpreter included: whole. */
function freezeView(stage: Stage, layer: State): State {
  if (stage.provides.length === 0 || stage.provides.some((p) => p === 'python' || p === 'pip')) return layer;
  return State.scratch().file(
    [{ action: 'copy', from: layer, src: '/', dest: '/', opts: { contentsOnly: true, followSymlink: false, include: FREEZE_VIEW } }],
    {
      name: `python metadata of ${stage.id}`,
    },
  );
}

export function planToLlb(plan: PlanData, opts: LlbOptions = {}): LlbResult {
  const graph = new PlanGraph(plan, opts);
  const stageLayers = graph.exportStageIds();
  const image = graph.stack('export', stageLayers, 'image');
  const execStages = new Set(
    plan.export_phases
      .flatMap((p) => p.stages)
      .filter((s) => s.operations.some((o) => o.op === 'exec'))
      .map((s) => s.id),
  );
  const installing = stageLayers.filter((id) => execStages.has(id));
  const installed = graph.stack('export', installing, 'installed packages');
  const freezeRoot = graph.stack('export', installing, 'python packages (pip freeze)', freezeView);
  const m = marshal(image, { ignoreCache: opts.noCache });
  validateDefinition(m.definition);
  const layerDigests: Record<string, string> = {};
  for (const id of stageLayers) {
    const out = graph.stageLayer(id).output;
    const d = out && m.vertexDigests.get(out.vertex);
    if (d) layerDigests[id] = d;
  }
  return {
    definition: m.definition,
    imageConfig: planImageConfig(plan),
    stageLayers,
    layerDigests,
    result: m.result,
    ops: m.ops,
    installed,
    freezeRoot,
    image,
    base: graph.resolve({ type: 'image', ref: plan.base_image.runtime }),
    layers: Object.fromEntries(stageLayers.map((id) => [id, graph.stageLayer(id)])),
    dump: () => dumpOps(m),
  };
}
