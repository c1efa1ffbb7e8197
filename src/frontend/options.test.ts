import { checkPlatforms, parseFrontendOptions, plannerEnv, rawFrontendOpts } from './options';

const env = (opts: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
  Object.fromEntries([...opts.map((o, i) => [`BUILDKIT_FRONTEND_OPT_${i}`, o]), ...Object.entries(extra)]);

describe('frontend options', () => {
  it('reads BUILDKIT_FRONTEND_OPT_* the way dockerui names them', () => {
    const o = parseFrontendOptions(
      env(
        ['filename=cog.yaml', 'build-arg:COGPACK_IMAGE_MAP=a=b,c=d', 'build-arg:SOURCE_DATE_EPOCH=0', 'no-cache=', 'platform=linux/amd64', 'contextkey=ctx'],
        { BUILDKIT_SESSION_ID: 's1', PATH: '/bin' },
      ),
    );
    expect(o).toMatchObject({
      filename: 'cog.yaml',
      contextKey: 'ctx',
      dockerfileKey: 'dockerfile',
      noCache: true,
      platforms: ['linux/amd64'],
      sessionId: 's1',
    });
    expect(o.buildArgs).toEqual({ COGPACK_IMAGE_MAP: 'a=b,c=d', SOURCE_DATE_EPOCH: '0' });
  });

  it('treats the Dockerfile default as "no -f", and no no-cache opt as caching on', () => {
    const o = parseFrontendOptions(env(['filename=Dockerfile']));
    expect(o.filename).toBeUndefined();
    expect(o.noCache).toBe(false);
    expect(o.contextKey).toBe('context');
  });

  it('keeps a value that contains "=" whole and lets a later numbered variable win', () => {
    expect(rawFrontendOpts(env(['label:x=a=b', 'target=one', 'target=two']))).toEqual({ 'label:x': 'a=b', target: 'two' });
  });

  it('gives the planner only cogpack build args, never the container environment', () => {
    const o = parseFrontendOptions(env(['build-arg:COGPACK_COG_SDK=none', 'build-arg:HTTP_PROXY=x'], { COGPACK_IMAGE_MAP: 'leak=leak' }));
    expect(plannerEnv(o)).toEqual({ COGPACK_COG_SDK: 'none' });
  });

  it('refuses remote contexts, foreign platforms and targets with usage errors', () => {
    expect(() => parseFrontendOptions(env(['context=https://github.com/x/y.git']))).toThrow(/remote build context/);
    const arm = parseFrontendOptions(env(['platform=linux/amd64,linux/arm64']));
    expect(() => checkPlatforms(arm, { os: 'linux', arch: 'amd64' })).toThrow(/linux\/arm64/);
    expect(() => checkPlatforms(parseFrontendOptions(env(['target=dev'])), { os: 'linux', arch: 'amd64' })).toThrow(/--target/);
    expect(() => checkPlatforms(parseFrontendOptions(env(['platform=linux/amd64/v2'])), { os: 'linux', arch: 'amd64' })).not.toThrow();
  });
});
