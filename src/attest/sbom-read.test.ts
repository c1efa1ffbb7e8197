import { State } from '../../llb';
import type { FsStat } from '../buildkit/gateway/bridge';
import { attribute, listDists, readDebs, readDists, siteDirs, solveFs, viewLayer, type SbomBridge } from './sbom-read';

/** An in-memory LLBBridge: each solved definition gets the next tree; a missing path fails as BuildKit's does (NOT_FOUND). */
function fakeBridge(trees: Record<string, string>[]): SbomBridge & { calls: number } {
  const refs = new Map<string, Record<string, string>>();
  const missing = () => Object.assign(new Error('open /x: no such file or directory'), { code: 2 });
  const bridge = {
    calls: 0,
    async solve() {
      const ref = `r${refs.size}`;
      refs.set(ref, trees[refs.size]);
      return ref;
    },
    async readFile(ref: string, p: string, range?: { offset: number; length: number }) {
      bridge.calls++;
      const data = refs.get(ref)![p];
      if (data === undefined) throw missing();
      const b = Buffer.from(data);
      return range ? b.subarray(range.offset, range.offset + range.length) : b;
    },
    async readDir(ref: string, dir: string): Promise<FsStat[]> {
      bridge.calls++;
      const tree = refs.get(ref)!;
      const names = new Map<string, boolean>();
      for (const p of Object.keys(tree)) {
        if (!p.startsWith(`${dir}/`)) continue;
        const rest = p.slice(dir.length + 1).split('/');
        names.set(rest[0], rest.length > 1 || names.get(rest[0]) === true);
      }
      if (!names.size) throw missing();
      return [...names].map(([path, isDir]) => ({ path, mode: isDir ? 2 ** 31 + 0o755 : 0o644, size: '1' }));
    },
    async statFile(): Promise<FsStat | undefined> {
      throw missing();
    },
  };
  return bridge;
}

const status = (...pkgs: string[]) =>
  pkgs
    .map((p) => {
      const [n, v] = p.split('=');
      return `Package: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\n`;
    })
    .join('\n');
const SITE = '/usr/local/lib/python3.11/site-packages';
const meta = (n: string, v: string) => `Metadata-Version: 2.1\nName: ${n}\nVersion: ${v}\nLicense: MIT\n\nbody`;

describe('reading packages through the bridge', () => {
  const base = {
    '/var/lib/dpkg/status': status('libc6=2.36', 'zlib1g=1.2'),
    [`${SITE}/pip-24.0.dist-info/METADATA`]: meta('pip', '24.0'),
    '/usr/local/lib/python3.11/os.py': '',
  };
  const apt = { '/var/lib/dpkg/status': status('libc6=2.36', 'zlib1g=1.3', 'jq=1.6') };
  const pip = {
    [`${SITE}/six-1.16.0.dist-info/METADATA`]: meta('six', '1.16.0'),
    [`${SITE}/six-1.16.0.dist-info/INSTALLER`]: 'pip\n',
    [`${SITE}/six-1.16.0.dist-info/direct_url.json`]: JSON.stringify({ url: 'https://h/six.whl', archive_info: { hashes: { sha256: 'e'.repeat(64) } } }),
  };
  const installed = { ...base, ...apt, ...pip };

  it('finds site dirs, dists and dpkg packages, and gives each to the first layer that has it as it is', async () => {
    const bridge = fakeBridge([installed, base, apt, pip]);
    const [inst, b, a, p] = await Promise.all([installed, base, apt, pip].map(() => solveFs(bridge, State.image('docker.io/library/x:1'))));
    const dirs = await siteDirs(inst);
    expect(dirs).toEqual([`/usr/local/lib/python3.11/dist-packages`, SITE]);
    const dists = await readDists(inst, await listDists(inst, dirs));
    expect(dists).toEqual([
      { name: 'pip', version: '24.0', license: 'MIT', path: `${SITE}/pip-24.0.dist-info` },
      {
        name: 'six',
        version: '1.16.0',
        license: 'MIT',
        installer: 'pip',
        url: 'https://h/six.whl',
        sha256: 'e'.repeat(64),
        path: `${SITE}/six-1.16.0.dist-info`,
      },
    ]);
    const debs = (await readDebs(inst))!;
    const views = await Promise.all(
      [
        ['base', b],
        ['system:apt', a],
        ['deps:pip', p],
      ].map(([id, f]) => viewLayer(id as string, f as typeof b, dirs)),
    );
    const owned = attribute(views, debs, dists);
    expect(owned.debs.map((d) => `${d.pkg.name}=${d.pkg.version}@${d.layer}`)).toEqual(['jq=1.6@system:apt', 'libc6=2.36@base', 'zlib1g=1.3@system:apt']);
    expect(owned.python.map((d) => `${d.dist.name}@${d.layer}`)).toEqual(['pip@base', 'six@deps:pip']);
  });

  it('an image without dpkg or python has neither', async () => {
    const bridge = fakeBridge([{ '/etc/hostname': 'x' }]);
    const fs = await solveFs(bridge, State.image('docker.io/library/x:1'));
    expect(await readDebs(fs)).toBeUndefined();
    expect(await siteDirs(fs)).toEqual([]);
  });

  it('a failure that is not a missing path is not swallowed', async () => {
    const bridge = fakeBridge([{}]);
    bridge.readFile = async () => {
      throw Object.assign(new Error('connection reset'), { code: 14 });
    };
    await expect(readDebs(await solveFs(bridge, State.image('docker.io/library/x:1')))).rejects.toThrow('connection reset');
  });
});
