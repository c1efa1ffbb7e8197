import * as path from 'path';
import { serializePlan } from '../../../planner';
import { planProject } from '../../../stacks/plan-project';
import { loadImageMap } from '../../../planner/image-map';
import { UsageError } from '../../errors';
import { planToLlb } from '../../../llb';
import type { LlbBridge } from '../gateway/bridge';
import { solvePlan } from '../../frontend/image-result';
import { parseFrontendOptions, plannerEnv } from '../../frontend/options';
import { interpretBuildArgs, parseBuildArgs, proxyEnvFromBuildArgs, unusedBuildArgWarnings, withPlannerArgs } from './build-args';

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'testdata', 'cpu-minimal');

describe('--build-arg meanings', () => {
  it('parses NAME=VALUE (value may hold "=", later names win) and refuses anything else', () => {
    expect(parseBuildArgs(['A=1', 'B=x=y', 'A=2', 'C='])).toEqual({ A: '2', B: 'x=y', C: '' });
    expect(() => parseBuildArgs(['NOVALUE'])).toThrow(UsageError);
    expect(() => parseBuildArgs(['=v'])).toThrow(/not NAME=VALUE/);
  });

  it('maps the five proxy names in either case to Meta.proxy_env fields; upper case wins over lower', () => {
    expect(
      proxyEnvFromBuildArgs({
        http_proxy: 'http://lower',
        HTTP_PROXY: 'http://upper',
        no_proxy: 'localhost',
        ALL_PROXY: 'socks5://p',
        ftp_proxy: 'ftp://f',
        HTTPS_PROXY: 'http://s',
      }),
    ).toEqual({ http_proxy: 'http://upper', https_proxy: 'http://s', ftp_proxy: 'ftp://f', no_proxy: 'localhost', all_proxy: 'socks5://p' });
    expect(proxyEnvFromBuildArgs({ FOO: '1', SOURCE_DATE_EPOCH: '0' })).toBeUndefined();
    expect(proxyEnvFromBuildArgs({ HTTP_PROXY: '' })).toBeUndefined();
  });

  it("sorts every arg into planner / proxy / epoch / unused; BUILDKIT_* are the daemon's and not reported", () => {
    const m = interpretBuildArgs({ COGPACK_COG_SDK: 'none', HTTPS_PROXY: 'http://p', SOURCE_DATE_EPOCH: '7', BUILDKIT_SYNTAX: 'img', ZED: '1', ALPHA: '2' });
    expect(m).toEqual({ planner: { COGPACK_COG_SDK: 'none' }, proxyEnv: { https_proxy: 'http://p' }, sourceDateEpoch: '7', unused: ['ALPHA', 'ZED'] });
    expect(unusedBuildArgWarnings({ ZED: '1' })[0]).toMatch(/^build arg ZED is not used: a cog.yaml has no ARG/);
    expect(unusedBuildArgWarnings({ HTTP_PROXY: 'x', COGPACK_IMAGE_MAP: 'a=b' })).toEqual([]);
  });

  it('a planner build arg replaces the environment variable of the same name, and nothing else', () => {
    const env = { COGPACK_IMAGE_MAP: 'python:3.11-slim=local/py:1', PATH: '/bin' };
    expect(withPlannerArgs(env, { COGPACK_IMAGE_MAP: 'python:3.11-slim=local/py:2', HTTP_PROXY: 'x' })).toEqual({
      COGPACK_IMAGE_MAP: 'python:3.11-slim=local/py:2',
      PATH: '/bin',
    });
    expect(withPlannerArgs(env, { HTTP_PROXY: 'x' })).toBe(env);
  });

  it('the CLI and the frontend give the planner the same settings for the same build args', () => {
    const args = { COGPACK_COG_SDK: 'none', COGPACK_IMAGE_MAP: 'python:*=local/py:*', COGPACK_WEIGHTS_THRESHOLD_MB: '5', HTTP_PROXY: 'x', OTHER: '1' };
    const frontendEnv = Object.fromEntries(Object.entries(args).map(([k, v], i) => [`BUILDKIT_FRONTEND_OPT_${i}`, `build-arg:${k}=${v}`]));
    expect(plannerEnv(parseFrontendOptions(frontendEnv))).toEqual(withPlannerArgs({}, args));
  });

  it('--build-arg COGPACK_COG_SDK=none plans exactly as --cog-sdk none; --cog-sdk wins when both are given', async () => {
    const viaFlag = await planProject(FIXTURE, { imageMap: loadImageMap([], {}), cogSdk: 'none', env: {} });
    const argEnv = withPlannerArgs({}, { COGPACK_COG_SDK: 'none' });
    const viaArg = await planProject(FIXTURE, { imageMap: loadImageMap([], argEnv), env: argEnv });
    expect(serializePlan(viaArg.plan)).toBe(serializePlan(viaFlag.plan));
    const withSdk = await planProject(FIXTURE, { imageMap: loadImageMap([], {}), env: {} });
    expect(serializePlan(withSdk.plan)).not.toBe(serializePlan(viaFlag.plan));
    const both = await planProject(FIXTURE, { imageMap: loadImageMap([], argEnv), cogSdk: 'pypi', env: argEnv });
    expect(serializePlan(both.plan)).toBe(serializePlan(withSdk.plan));
  });

  it('--build-arg COGPACK_IMAGE_MAP maps the base image; --image-map entries go over it', async () => {
    const env = withPlannerArgs({}, { COGPACK_IMAGE_MAP: 'python:3.11-slim=local.test/py:arg' });
    const viaArg = await planProject(FIXTURE, { imageMap: loadImageMap([], env), cogSdk: 'none', env });
    expect(viaArg.plan.base_image.runtime).toBe('local.test/py:arg');
    const flagged = await planProject(FIXTURE, { imageMap: loadImageMap(['python:3.11-slim=local.test/py:flag'], env), cogSdk: 'none', env });
    expect(flagged.plan.base_image.runtime).toBe('local.test/py:flag');
  });

  it('the frontend solves the same LLB as the CLI for the same proxy build args (proxy_env in it)', async () => {
    const args = { HTTP_PROXY: 'http://p:3128', no_proxy: 'localhost', OTHER: 'x' };
    const { plan } = await planProject(FIXTURE, { imageMap: loadImageMap([], {}), cogSdk: 'none', env: {} });
    const solved: Uint8Array[] = [];
    const bridge = {
      resolveImageConfig: async () => ({ config: Buffer.alloc(0) }),
      solve: async (def: Uint8Array) => (solved.push(def), 'ref-1'),
      readFile: async () => Buffer.alloc(0), // the pip freeze read-back of a cog model
    } as unknown as LlbBridge;
    const frontendEnv = Object.fromEntries(Object.entries(args).map(([k, v], i) => [`BUILDKIT_FRONTEND_OPT_${i}`, `build-arg:${k}=${v}`]));
    await solvePlan(bridge, parseFrontendOptions({ ...frontendEnv, BUILDKIT_SESSION_ID: 's1' }), plan);
    const cli = planToLlb(plan, { sessionId: 's1', localName: () => 'context', proxyEnv: interpretBuildArgs(args).proxyEnv });
    expect(Buffer.from(solved[0]).equals(Buffer.from(cli.definition))).toBe(true);
    expect(Buffer.from(cli.definition).includes('http://p:3128')).toBe(true);
  });
});
