/**
 * Resolves Plan inputs (scratch, image, context, stage, phase) to States, building each stage and phase
 * once, lazily and in any order, and turning each stage into its single layer (Diff, Copy(Diff), or direct).
 */
import { InternalError } from '../../src/errors';
import type { Input, PlanData, Stage } from '../../planner/plan-schema';
import { diff } from '../diff';
import type { CopyOptions } from '../file';
import { merge } from '../merge';
import type { PbProxyEnv } from '../pb-types';
import { State } from '../state';
import { stageStartEnv, type ImageEnv } from './base-env';
import { directLayer, directLayerDirs } from './direct-layer';
import { convertOperations, type InputResolver, type SymlinkMode } from './operations';
import { isSecretDeclared, phaseKind } from '../../planner/plan-walk';

export type { InputResolver } from './operations';

export interface GraphOptions {
  sessionId?: string;
  /** local.sharedkeyhint prefix; defaults to the context name alone */
  contextsSharedKey?: string;
  /** `image.resolvemode` of every docker-image source; unset = the daemon's default */
  imageResolveMode?: 'default' | 'pull' | 'local';
  /** default `exec`: Docker 26.1's BuildKit (v0.13) has no FileActionSymlink */
  symlinks?: SymlinkMode;
  /** the client's local name serving a plan context (default: the context name); the frontend maps all to `context` */
  localName?: (context: string) => string;
  /**
   * mtime (ns) of every file in a squash layer; default SQUASH_MTIME_NS, null = keep the exec snapshot's
   * (then the layer's bytes depend on which cache record the daemon picks, so digests can drift).
   */
  squashMtime?: number | null;
  /**
   * proxies for every plan exec (ExecOp Meta.proxy_env): values, so never in the plan; BuildKit leaves them out of
   * the cache key, so a new proxy rebuilds nothing. Unset = no proxy_env field (LLB bytes as before).
   */
  proxyEnv?: PbProxyEnv;
  /**
   * Config Env per image ref: every stage whose source chain starts at that image starts from it, under the
   * stage's env (Dockerfile `FROM` semantics). Unset or no entry = the stage's env alone (LLB bytes as before).
   */
  imageEnv?: ImageEnv;
}

/**
 * 1980-01-01T00:00:00Z: a fixed mtime makes a squash layer's bytes depend on its content only, even
 * across --no-cache rebuilds. Not 0: zip cannot store dates before 1980, and later build stages may zip
 * these files (wheel builds). Exactly representable as a double (3155328·5¹¹·2¹¹).
 */
export const SQUASH_MTIME_NS = 315_532_800 * 1e9;

interface StageInfo {
  stage: Stage;
  kind: 'build' | 'export';
  phase: string;
}

function fail(code: string, message: string): never {
  throw new InternalError(code, message, { hint: 'the plan is inconsistent; check `cogpack plan --json`' });
}

export class PlanGraph implements InputResolver {
  private readonly stages = new Map<string, StageInfo>();
  private readonly results = new Map<string, State>();
  private readonly layers = new Map<string, State>();
  private readonly phases = new Map<string, State>();
  private readonly building = new Set<string>();
  /** stages whose result is their layer (direct-layer.ts) */
  private readonly directStages = new Set<string>();

  constructor(
    private readonly plan: PlanData,
    private readonly opts: GraphOptions = {},
  ) {
    const add = (kind: 'build' | 'export') => (p: PlanData['build_phases'][number]) => {
      for (const stage of p.stages) {
        if (this.stages.has(stage.id)) fail('E_PLAN_STAGE', `stage id "${stage.id}" is used twice`);
        this.stages.set(stage.id, { stage, kind, phase: p.name });
      }
    };
    plan.build_phases.forEach(add('build'));
    plan.export_phases.forEach(add('export'));
    this.checkSecrets();
  }

  /** Secret mounts may only name ids the plan declares, so the build's secret provider is asked for nothing else. */
  private checkSecrets(): void {
    for (const { stage } of this.stages.values()) {
      for (const op of stage.operations) {
        if (op.op !== 'exec') continue;
        const bad = op.mounts.find((m) => m.type === 'secret' && !isSecretDeclared(this.plan, m.id));
        if (bad) fail('E_PLAN_SECRET', `stage "${stage.id}" mounts secret "${(bad as { id: string }).id}", which plan.secrets does not declare`);
      }
    }
  }

  resolve(input: Input): State {
    switch (input.type) {
      case 'scratch':
        return State.scratch();
      case 'image':
        return this.image(input.ref);
      case 'context':
        return this.context(input.name);
      case 'stage':
        return this.stageResult(input.id);
      case 'phase':
        return this.phaseState(input.name);
      default: {
        const never: never = input;
        return fail('E_PLAN_INPUT', `unknown input ${JSON.stringify(never)}`);
      }
    }
  }

  private image(ref: string): State {
    return State.image(ref, { resolveMode: this.opts.imageResolveMode });
  }

  private context(name: string): State {
    const ctx = this.plan.contexts[name];
    if (!ctx) fail('E_PLAN_CONTEXT', `context "${name}" is not declared in plan.contexts`);
    const hint = this.opts.contextsSharedKey ? `${this.opts.contextsSharedKey}:${name}` : name;
    return State.local(this.opts.localName?.(name) ?? name, {
      sessionId: this.opts.sessionId,
      sharedKeyHint: hint,
      exclude: ctx.exclude,
      include: ctx.include,
    });
  }

  /** The full filesystem after a stage's operations, built once. */
  stageResult(id: string): State {
    const cached = this.results.get(id);
    if (cached) return cached;
    const info = this.stages.get(id) ?? fail('E_PLAN_STAGE', `unknown stage "${id}"`);
    if (this.building.has(id)) fail('E_PLAN_CYCLE', `stage "${id}" depends on itself`);
    this.building.add(id);
    const { stage } = info;
    const result = this.direct(stage) ?? this.convert(stage);
    this.building.delete(id);
    this.results.set(id, result);
    return result;
  }

  /**
   * A squash stage on scratch made of file operations only is its own layer (direct-layer.ts); its result is that
   * layer too, so a stage reading it gets the same bytes and the daemon copies once. Not with squashMtime null:
   * without a fixed mtime, directories its copies create would carry the time of the build.
   */
  private direct(stage: Stage): State | undefined {
    const mtime = this.squashMtime();
    const made = mtime === null ? null : directLayerDirs(stage);
    if (!made || mtime === null) return undefined;
    this.directStages.add(stage.id);
    return directLayer(stage, made, this, mtime);
  }

  private convert(stage: Stage): State {
    const st = stageStartEnv(this.resolve(stage.source), this.rootImageEnv(stage.source), stage.env);
    const ctx = { inputs: this, prefix: `[${stage.id}]`, symlinks: this.opts.symlinks ?? 'exec', proxyEnv: this.opts.proxyEnv };
    return convertOperations(st.dir(stage.dir), stage.operations, ctx);
  }

  /**
   * The config Env of the image a source chain starts at: a stage passes on its source's image env (not its
   * own stage env, which stays its own), a phase starts at its kind's base image, scratch and contexts at none.
   */
  private rootImageEnv(input: Input): readonly string[] | undefined {
    const images = this.opts.imageEnv;
    if (!images) return undefined;
    for (let at = input, hops = 0; hops <= this.stages.size; hops++) {
      switch (at.type) {
        case 'image':
          return images[at.ref];
        case 'phase':
          return images[this.baseRef(this.kindOf(at.name))];
        case 'stage':
          at = (this.stages.get(at.id) ?? fail('E_PLAN_STAGE', `unknown stage "${at.id}"`)).stage.source;
          break;
        default:
          return undefined;
      }
    }
    return fail('E_PLAN_CYCLE', 'a stage source chain loops');
  }

  /**
   * The stage's one layer. `diff` keeps deletions but keeps one layer per exec; `squash` copies the diff
   * onto scratch: exactly one layer, deletions lost (a copy carries no whiteouts);
   * a direct stage (see `direct`) is its own layer.
   */
  stageLayer(id: string): State {
    const cached = this.layers.get(id);
    if (cached) return cached;
    const { stage } = this.stages.get(id) ?? fail('E_PLAN_STAGE', `unknown stage "${id}"`);
    const result = this.stageResult(id);
    const layer = this.directStages.has(id) ? result : this.cut(stage, result);
    this.layers.set(id, layer);
    return layer;
  }

  private cut(stage: Stage, result: State): State {
    const changes = diff(this.resolve(stage.source), result, { name: `diff ${stage.id}` });
    if (stage.layer === 'diff') return changes;
    return State.scratch().file([{ action: 'copy', from: changes, src: '/', dest: '/', opts: this.squashCopyOpts() }], { name: `squash ${stage.id}` });
  }

  private squashMtime(): number | null {
    return this.opts.squashMtime === undefined ? SQUASH_MTIME_NS : this.opts.squashMtime;
  }

  private squashCopyOpts(): CopyOptions {
    const mtime = this.squashMtime();
    return { contentsOnly: true, followSymlink: false, ...(mtime === null ? {} : { timestamp: mtime }) };
  }

  /**
   * The base image of the phase's kind with the layers of that phase and every earlier one of its kind:
   * Merge([state of the previous phase, layers of this one]). Nesting keeps each merge op small (a flat
   * merge per phase would make the definition quadratic in the number of phases); merge is associative,
   * so the filesystem is the same. Built bottom-up in a loop so thousands of phases do not recurse.
   */
  phaseState(name: string): State {
    const cached = this.phases.get(name);
    if (cached) return cached;
    const kind = this.kindOf(name);
    const list = kind === 'build' ? this.plan.build_phases : this.plan.export_phases;
    const at = list.findIndex((p) => p.name === name);
    if (at < 0) fail('E_PLAN_PHASE', `unknown phase "${name}"`);
    let state = this.baseOf(kind);
    for (const phase of list.slice(0, at + 1)) {
      const done = this.phases.get(phase.name);
      if (done) {
        state = done;
        continue;
      }
      if (this.building.has(`phase:${phase.name}`)) fail('E_PLAN_CYCLE', `phase "${phase.name}" depends on itself`);
      this.building.add(`phase:${phase.name}`);
      const layers = phase.stages.map((s) => this.stageLayer(s.id));
      state = merge([state, ...layers], { name: `phase ${phase.name}` });
      this.building.delete(`phase:${phase.name}`);
      this.phases.set(phase.name, state);
    }
    return state;
  }

  private kindOf(phase: string): 'build' | 'export' {
    return phaseKind(this.plan, phase);
  }

  private baseRef(kind: 'build' | 'export'): string {
    return kind === 'build' ? this.plan.base_image.build : this.plan.base_image.runtime;
  }

  private baseOf(kind: 'build' | 'export'): State {
    return this.image(this.baseRef(kind));
  }

  /** Merge([base, layer₁, …]): Op.inputs in layer order, never reordered. `view` may stand in for a layer. */
  stack(kind: 'build' | 'export', stageIds: readonly string[], name: string, view?: (stage: Stage, layer: State) => State): State {
    const layer = (id: string) => (view ? view(this.stages.get(id)!.stage, this.stageLayer(id)) : this.stageLayer(id));
    return merge([this.baseOf(kind), ...stageIds.map(layer)], { name });
  }

  exportStageIds(): string[] {
    return this.plan.export_phases.flatMap((p) => p.stages.map((s) => s.id));
  }
}
