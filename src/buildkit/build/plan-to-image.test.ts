import * as path from 'node:path';
import { planProject } from '../../../stacks/plan-project';
import { loadImageMap } from '../../../planner/image-map';
import type { PlanData } from '../../../planner/plan-schema';
import tools from '../../../blocks/data/tools.json';
import { solvePlan as frontendSolvePlan } from '../../frontend/image-result';
import type { FrontendOptions } from '../../frontend/options';
import { baseConfigOf, type ImageInspect } from '../connection/docker-api';
import type { LlbBridge } from '../gateway/bridge';
import { baseImageRefs, planToImage, solveImage, type BaseConfigs } from './plan-to-image';

const REPO = path.resolve(__dirname, '..', '..', '..');
const IMAGE_MAP = 'docker.io/library/python:3.11-slim=cogpack.local/debian-python:bookworm';
const BASE = {
  Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8'],
  Cmd: ['python3'],
  Labels: { 'base.label': 'x' },
  StopSignal: 'SIGINT',
  WorkingDir: '',
};
const FREEZE = 'cog==0.9.4\nnumpy==1.26.0\n';

async function planOf(fixture: string): Promise<PlanData> {
  const env = { COGPACK_IMAGE_MAP: IMAGE_MAP, COGPACK_COG_SDK: 'none' };
  return (await planProject(path.join(REPO, 'testdata', fixture), { imageMap: loadImageMap([], env), env })).plan;
}

/** The same base image as each path reads it: Docker's inspect for `cogpack build`, the OCI config JSON for the frontend. */
const inspect: ImageInspect = { Id: 'sha256:0', Architecture: 'amd64', Os: 'linux', Config: BASE };
const ociConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: BASE, rootfs: { type: 'layers', diff_ids: [] } }));

/** An LLBBridge whose solves answer at once and whose read-backs print FREEZE; records what was asked. */
function fakeBridge() {
  const calls: string[] = [];
  let n = 0;
  const bridge = {
    solve: async () => `ref-${++n}`,
    readFile: async () => Buffer.from(FREEZE),
    resolveImageConfig: async (ref: string) => {
      calls.push(ref);
      return { digest: 'sha256:1', config: ociConfig };
    },
  };
  return { bridge: bridge as unknown as LlbBridge, calls };
}

const frontendOpts = (buildArgs: Record<string, string> = {}): FrontendOptions => ({
  contextKey: 'context',
  dockerfileKey: 'dockerfile',
  buildArgs,
  noCache: false,
  platforms: [],
  sessionId: 'sess-1',
  raw: {},
});

/** What `cogpack build` (build.ts) gives planToImage: one config per base ref, from Docker's inspect. */
const cliConfigs = (plan: PlanData): BaseConfigs => new Map(baseImageRefs(plan).map((r) => [r, baseConfigOf(inspect)]));

describe('planToImage: one pipeline for the CLI and the frontend', () => {
  it.each(['cog-runtime-basic', 'cpu-apt-wheel', 'pyproject-app'])(
    '%s: the frontend adapter returns the config the CLI path makes, from the same LLB',
    async (fixture) => {
      const plan = await planOf(fixture);
      const buildArgs = { HTTP_PROXY: 'http://proxy:3128' };
      const cli = planToImage(plan, { configs: cliConfigs(plan), sessionId: 'sess-1', buildArgs, localName: () => 'context' });
      const cliSolved = await solveImage(fakeBridge().bridge, cli);
      const { bridge, calls } = fakeBridge();
      const fe = await frontendSolvePlan(bridge, frontendOpts(buildArgs), plan);
      expect([...calls].sort()).toEqual([...baseImageRefs(plan)].sort());
      expect(fe.config).toEqual(cliSolved.config);
      expect(fe.resultDigest).toBe(cli.llb.result);
      expect(cliSolved.config.config.StopSignal).toBe('SIGINT'); // a base field the plan does not set survives both readers
      expect(cliSolved.config.config.Labels?.['base.label']).toBe('x');
    },
  );

  it('a cog model reads pip freeze back into its labels; without read-back it needs no gateway build', async () => {
    const plan = await planOf('cog-runtime-basic');
    const image = planToImage(plan, { configs: cliConfigs(plan), sessionId: 's', labels: { 'org.opencontainers.image.revision': 'abc' } });
    expect(image.readBack.pipFreeze).toBe(true);
    expect(image.gateway).toBe(true);
    const solved = await solveImage(fakeBridge().bridge, image);
    expect(solved.config.config.Labels?.[tools.labels.pipFreeze]).toBe(FREEZE);
    expect(solved.config.config.Labels?.['org.opencontainers.image.revision']).toBe('abc');
    expect(image.config.config.Labels?.[tools.labels.pipFreeze]).toBeUndefined(); // the pre-solve config stays as it was
    const cached = planToImage(plan, { configs: cliConfigs(plan), sessionId: 's', readBack: false });
    expect(cached.gateway).toBe(false);
    expect(Buffer.from(cached.llb.definition).equals(Buffer.from(image.llb.definition))).toBe(true);
    expect(planToImage(plan, { configs: cliConfigs(plan), sessionId: 's', readBack: false, attest: { sbom: true } }).gateway).toBe(true);
  });

  it("a base whose config cannot be had gives the plan's config and no base Env in the LLB", async () => {
    const plan = await planOf('cpu-apt-wheel');
    const none = planToImage(plan, { configs: new Map(), sessionId: 's' });
    const some = planToImage(plan, { configs: cliConfigs(plan), sessionId: 's' });
    expect(none.config.config.StopSignal).toBeUndefined();
    expect(Buffer.from(none.llb.definition).equals(Buffer.from(some.llb.definition))).toBe(false);
  });
});
