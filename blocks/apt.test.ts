import { APT_LISTS_MAX_AGE_MIN } from './support/apt-env';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

describe('apt block', () => {
  it('installs sorted packages with a stable locked cache id and removes the lists and package caches', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': 'build:\n  python_version: "3.11"\n  system_packages: [libgl1, ffmpeg, ffmpeg]\n' }));
    const s = stageOf(plan, 'system:apt')!;
    const op = s.operations[0];
    if (op.op !== 'exec') throw new Error('expected exec');
    expect(op.mounts).toEqual([{ type: 'cache', target: '/var/cache/cogpack-apt', id: 'cogpack-apt-cache', sharing: 'locked' }]);
    expect(op.args[2]).toContain('ffmpeg libgl1');
    expect(op.args[2]).toContain('rm -rf /var/lib/apt/lists/*');
    // apt's package caches (~75 MB) must not stay in the layer; removed in the same exec as the install
    expect(op.args[2]).toMatch(/apt-get install [^\n]*\n[\s\S]*rm -rf [^\n]*\/var\/cache\/apt\/\*\.bin/);
    expect(plan.export_phases.map((p) => p.name).slice(0, 2)).toEqual(['python', 'system']);
  });

  it('keeps the package lists in the cache mount, keyed by the apt sources, and updates them only when stale or when the install fails', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': 'build:\n  python_version: "3.11"\n  system_packages: [jq]\n' }));
    const op = stageOf(plan, 'system:apt')!.operations[0];
    if (op.op !== 'exec') throw new Error('expected exec');
    const script = op.args[2];
    expect(script).toContain('lists=/var/cache/cogpack-apt/lists/$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | sha256sum');
    expect(script).toContain('-o Dir::State::Lists="$lists"/');
    expect(script).toContain(`find "$lists"/cogpack-updated -mmin -${APT_LISTS_MAX_AGE_MIN}`);
    expect(script).toMatch(
      /\[ -n "\$fresh" \] \|\| update "\$@"\napt-get install .* jq \|\| \{ \[ -n "\$fresh" \] && update "\$@" && apt-get install .* jq; \}/,
    );
  });

  it('runs dpkg with SOURCE_DATE_EPOCH so postinst bytecode is hash-based (survives the squash mtime; apt.int.test.ts)', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': 'build:\n  python_version: "3.11"\n  system_packages: [python3-six]\n' }));
    expect(stageOf(plan, 'system:apt')!.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive', SOURCE_DATE_EPOCH: '0' });
  });
});
