/**
 * The Plan: the contract between the planner (stacks, blocks, resolver) and the builder (llb/, BuildKit).
 * These zod schemas are the single source of truth; JSON names are snake_case and are read by tools,
 * so renaming a field is a breaking change (bump PLAN_VERSION). `plan.schema.json` is generated from here.
 *
 * Layering model: every stage of an export phase becomes exactly one image layer, the diff between the
 * stage's `source` and the state after its operations. The image is the runtime base with those layers
 * merged on top, in phase order then stage order. Build phases produce states that other stages read
 * (bind mounts, copies) but that are not layers of the image.
 */
import { z } from 'zod';

export const PLAN_VERSION = 1;

export const PlatformSchema = z
  .object({
    os: z.literal('linux'),
    arch: z.literal('amd64'),
  })
  .strict();
export type Platform = z.infer<typeof PlatformSchema>;

/** Where a requested version came from, e.g. `cog.yaml:12 build.python_version`, `uv.lock`, `default`. */
export const DependencySchema = z
  .object({
    name: z.string().min(1),
    /** the block (or `resolver`) that asked for it */
    provider: z.string().min(1),
    requested_version: z.string(),
    resolved_version: z.string(),
    source: z.string().min(1),
  })
  .strict();
export type Dependency = z.infer<typeof DependencySchema>;

export const BaseImageSchema = z
  .object({
    /** image the build phases start from (after the image map) */
    build: z.string().min(1),
    /** image the exported image starts from (after the image map) */
    runtime: z.string().min(1),
    metadata: z
      .object({
        /** what the base already provides, name → version (e.g. python → 3.11, cuda → 12.1) */
        packages: z.record(z.string(), z.string()),
      })
      .strict(),
  })
  .strict();
export type BaseImage = z.infer<typeof BaseImageSchema>;

/** A stage's input, or the `from` of a copy or mount. Tagged by `type`. */
export const InputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scratch') }).strict(),
  /** `ref` is the final image reference, after the image map */
  z.object({ type: z.literal('image'), ref: z.string().min(1) }).strict(),
  /** a local directory sent by the client; `name` is a key of Plan.contexts */
  z.object({ type: z.literal('context'), name: z.string().min(1) }).strict(),
  /** the state after another stage's operations */
  z.object({ type: z.literal('stage'), id: z.string().min(1) }).strict(),
  /** the base image of the phase's kind with every stage of the named phase (and earlier phases of that kind) applied */
  z.object({ type: z.literal('phase'), name: z.string().min(1) }).strict(),
]);
export type Input = z.infer<typeof InputSchema>;

export const CacheSharingSchema = z.enum(['shared', 'private', 'locked']);
export type CacheSharing = z.infer<typeof CacheSharingSchema>;

export const MountSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('cache'),
      target: z.string().startsWith('/'),
      /** stable cache id, e.g. `cogpack-apt-cache`; the same id shares the cache across builds */
      id: z.string().min(1),
      sharing: CacheSharingSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('secret'),
      target: z.string().startsWith('/'),
      /** secret id; the value only ever comes from the build's secret provider */
      id: z.string().min(1),
      required: z.boolean(),
    })
    .strict(),
  z
    .object({
      type: z.literal('bind'),
      target: z.string().startsWith('/'),
      from: InputSchema,
      /** path inside `from` to mount; `/` for all of it */
      source: z.string().startsWith('/'),
      readonly: z.boolean(),
    })
    .strict(),
  z
    .object({
      type: z.literal('tmpfs'),
      target: z.string().startsWith('/'),
      /** bytes; 0 = unlimited */
      size: z.number().int().nonnegative(),
    })
    .strict(),
]);
export type Mount = z.infer<typeof MountSchema>;

export const NetworkModeSchema = z.enum(['sandbox', 'host', 'none']);
export type NetworkMode = z.infer<typeof NetworkModeSchema>;

const OwnerSchema = z.object({ uid: z.number().int().nonnegative(), gid: z.number().int().nonnegative() }).strict();

export const ExecOperationSchema = z
  .object({
    op: z.literal('exec'),
    /** argv; shell commands are `["/bin/sh", "-c", "…"]` */
    args: z.array(z.string()).min(1),
    /** env for this command only, on top of the stage env */
    env: z.record(z.string(), z.string()),
    mounts: z.array(MountSchema),
    network: NetworkModeSchema,
    /** the progress name shown to the user */
    description: z.string().optional(),
  })
  .strict();

export const CopyOperationSchema = z
  .object({
    op: z.literal('copy'),
    from: InputSchema,
    /** absolute path inside `from` */
    src: z.string().startsWith('/'),
    /** absolute path in the stage */
    dest: z.string().startsWith('/'),
    /** patterns relative to src (dockerignore syntax) */
    include: z.array(z.string()),
    exclude: z.array(z.string()),
    /** copy the contents of src rather than src itself */
    contents_only: z.boolean(),
    owner: OwnerSchema.optional(),
    /** octal mode as a number, e.g. 0o644; absent = keep */
    mode: z.number().int().nonnegative().optional(),
  })
  .strict();

export const MkfileOperationSchema = z
  .object({
    op: z.literal('mkfile'),
    path: z.string().startsWith('/'),
    /** UTF-8 file content */
    data: z.string(),
    mode: z.number().int().nonnegative(),
  })
  .strict();

export const MkdirOperationSchema = z
  .object({
    op: z.literal('mkdir'),
    path: z.string().startsWith('/'),
    mode: z.number().int().nonnegative(),
    parents: z.boolean(),
  })
  .strict();

export const RmOperationSchema = z
  .object({
    op: z.literal('rm'),
    path: z.string().startsWith('/'),
    allow_not_found: z.boolean(),
  })
  .strict();

export const SymlinkOperationSchema = z
  .object({
    op: z.literal('symlink'),
    /** what the link points to */
    target: z.string().min(1),
    /** where the link is created */
    path: z.string().startsWith('/'),
  })
  .strict();

export const OperationSchema = z.discriminatedUnion('op', [
  ExecOperationSchema,
  CopyOperationSchema,
  MkfileOperationSchema,
  MkdirOperationSchema,
  RmOperationSchema,
  SymlinkOperationSchema,
]);
export type Operation = z.infer<typeof OperationSchema>;
export type ExecOperation = z.infer<typeof ExecOperationSchema>;
export type CopyOperation = z.infer<typeof CopyOperationSchema>;
export type MkfileOperation = z.infer<typeof MkfileOperationSchema>;
export type MkdirOperation = z.infer<typeof MkdirOperationSchema>;
export type RmOperation = z.infer<typeof RmOperationSchema>;
export type SymlinkOperation = z.infer<typeof SymlinkOperationSchema>;

export const StageSchema = z
  .object({
    /** unique in the plan, `<phase>:<block>[:<detail>]`, set by the block that adds it */
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._+-]*)+$/),
    /** human name shown in progress output */
    name: z.string().min(1),
    /** the block that contributed it (for error messages; the converter never branches on it) */
    block: z.string().min(1),
    source: InputSchema,
    operations: z.array(OperationSchema),
    /** env every exec of this stage sees (not the image config's env) */
    env: z.record(z.string(), z.string()),
    /** working directory for execs */
    dir: z.string().startsWith('/'),
    /** capabilities this stage provides to later stages, e.g. `python`, `pip`, `torch` */
    provides: z.array(z.string()),
    /**
     * How the stage's layer is taken. `diff` keeps deletions (Merge of the raw Diff; one layer per exec);
     * `squash` copies the diff onto scratch (exactly one layer; deletions are lost).
     */
    layer: z.enum(['diff', 'squash']),
  })
  .strict();
export type Stage = z.infer<typeof StageSchema>;

export const PhaseSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    stages: z.array(StageSchema),
  })
  .strict();
export type Phase = z.infer<typeof PhaseSchema>;

export const ExportConfigSchema = z
  .object({
    tags: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    entrypoint: z.array(z.string()),
    cmd: z.array(z.string()),
    /** image config env; base image env is merged under it by the builder */
    env: z.record(z.string(), z.string()),
    /** e.g. `5000/tcp` */
    exposed_ports: z.array(z.string()),
    working_dir: z.string(),
    user: z.string(),
  })
  .strict();
export type ExportConfig = z.infer<typeof ExportConfigSchema>;

export const ContextSchema = z
  .object({
    /** relative to the project directory, `.` for the project itself; never an absolute machine path */
    path: z.string(),
    /** dockerignore-syntax patterns the client leaves out when sending it */
    exclude: z.array(z.string()),
    /** when set, only these patterns are sent */
    include: z.array(z.string()).optional(),
    /**
     * `flag`: the path was given on the command line (e.g. `--cog-sdk ../dist/cog.whl`), so it may lie
     * outside the project; project files never produce such paths, and unmarked contexts must stay inside
     */
    origin: z.literal('flag').optional(),
  })
  .strict();
export type Context = z.infer<typeof ContextSchema>;

export const PlanSchema = z
  .object({
    version: z.literal(PLAN_VERSION),
    platform: PlatformSchema,
    /** the stack that planned it and the blocks it used, in order */
    stack: z.string(),
    blocks: z.array(z.string()),
    dependencies: z.record(z.string(), DependencySchema),
    base_image: BaseImageSchema,
    build_phases: z.array(PhaseSchema),
    export_phases: z.array(PhaseSchema),
    export: ExportConfigSchema,
    contexts: z.record(z.string(), ContextSchema),
    /** secret ids the build needs; never values */
    secrets: z.array(z.string()),
  })
  .strict();
export type PlanData = z.infer<typeof PlanSchema>;
