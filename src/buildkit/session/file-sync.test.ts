import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { DATA_CHUNK, isRegular, sendContext } from './file-sync';
import { packetStreamPair } from './memory-stream';
import { receivePackets } from './packet-receiver';
import { GoMode } from '../../fsutil/walk';
import { PacketType, type Stat } from './wire';

interface Received {
  stats: Stat[];
  files: Map<string, Buffer>;
  requested: string[];
}

/** A fake daemon: receives the tree, requests files whose size+mtime differ from `previous`. */
async function syncOnce(dir: string, exclude: string[] = [], previous = new Map<string, string>(), include?: string[]) {
  const [daemon, client] = packetStreamPair();
  const got: Received = { stats: [], files: new Map(), requested: [] };
  const byId = new Map<number, string>();
  const receiving = receivePackets(daemon, {
    onStat: (stat, id) => {
      got.stats.push(stat);
      byId.set(id, stat.path);
      const want = isRegular(stat.mode) && !stat.linkname && previous.get(stat.path) !== `${stat.size ?? 0}:${stat.modTime}`;
      if (want) got.requested.push(stat.path);
      return want;
    },
    onData: (id, chunk) => {
      const p = byId.get(id)!;
      got.files.set(p, Buffer.concat([got.files.get(p) ?? Buffer.alloc(0), chunk]));
    },
    onFileEnd: (id) => {
      const p = byId.get(id)!;
      if (!got.files.has(p)) got.files.set(p, Buffer.alloc(0));
    },
  });
  const stats = await sendContext(client, 'context', dir, { exclude, include });
  await receiving;
  const snapshot = new Map(got.stats.map((s) => [s.path, `${s.size ?? 0}:${s.modTime}`]));
  return { got, stats, snapshot, clientSent: client.sent, daemonSent: daemon.sent };
}

function tree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-fsync-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('FileSync.DiffCopy sender', () => {
  it('walks depth-first with parents first and siblings in byte order', async () => {
    const dir = tree({ 'b.txt': 'b', 'a/z': 'z', 'a/b/c': 'c', 'a.txt': 'a', A: 'A', é: 'e', 'a-b': '-' });
    fs.symlinkSync('a.txt', path.join(dir, 'link'));
    const { got } = await syncOnce(dir);
    expect(got.stats.map((s) => s.path)).toEqual(['A', 'a', 'a/b', 'a/b/c', 'a/z', 'a-b', 'a.txt', 'b.txt', 'link', 'é']);
  });

  it('sends Go os.FileMode bits, sizes, ns mtimes and symlink targets', async () => {
    const dir = tree({ 'run.sh': '#!/bin/sh\n', 'sub/data': 'xyz' });
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    fs.chmodSync(path.join(dir, 'sub'), 0o750);
    fs.symlinkSync('sub/data', path.join(dir, 'ln'));
    fs.utimesSync(path.join(dir, 'sub/data'), 1700000000.5, 1700000000.5);
    const { got } = await syncOnce(dir);
    const by = new Map(got.stats.map((s) => [s.path, s]));
    expect(by.get('run.sh')!.mode).toBe(0o755);
    expect(by.get('sub')!.mode).toBe(GoMode.dir + 0o750);
    expect(by.get('ln')!.mode).toBe(GoMode.symlink + 0o777);
    expect(by.get('ln')!.linkname).toBe('sub/data');
    expect(by.get('ln')!.size).toBeUndefined();
    expect(by.get('sub/data')!.size).toBe('3');
    expect(by.get('sub/data')!.modTime).toBe('1700000000500000000');
    expect(got.requested).toEqual(['run.sh', 'sub/data']); // only regular files are requestable
  });

  it('answers REQ with 32 KiB DATA chunks, an empty DATA, ends with an empty STAT and the FIN handshake', async () => {
    const big = Buffer.alloc(100 * 1024 + 7, 'q');
    const dir = tree({ big, empty: '' });
    const { got, clientSent, daemonSent } = await syncOnce(dir);
    expect(got.files.get('big')!.equals(big)).toBe(true);
    expect(got.files.get('empty')!.length).toBe(0);
    const data = clientSent.filter((p) => p.type === PacketType.DATA && p.ID === 0);
    expect(data.map((p) => p.data?.length ?? 0)).toEqual([DATA_CHUNK, DATA_CHUNK, DATA_CHUNK, 4 * 1024 + 7, 0]);
    const stats = clientSent.filter((p) => p.type === PacketType.STAT);
    expect(stats[stats.length - 1].stat).toBeUndefined();
    expect(clientSent[clientSent.length - 1].type).toBe(PacketType.FIN);
    expect(daemonSent.filter((p) => p.type === PacketType.REQ).map((p) => p.ID ?? 0)).toEqual([0, 1]);
  });

  it('honours .dockerignore-style excludes, re-includes and lazy parents', async () => {
    const dir = tree({
      'app.py': 'x',
      'x.pyc': 'c',
      'pkg/y.pyc': 'c',
      'pkg/__pycache__/m.pyc': 'c',
      '.git/HEAD': 'h',
      'data/big.bin': 'b',
      'data/keep.txt': 'k',
      'secret.env': 's',
    });
    const exclude = ['*.pyc', '**/__pycache__', '.git', 'data', '!data/keep.txt', 'secret.env'];
    const { got } = await syncOnce(dir, exclude);
    expect(got.stats.map((s) => s.path)).toEqual(['app.py', 'data', 'data/keep.txt', 'pkg', 'pkg/y.pyc']);
    expect([...got.files.keys()]).not.toContain('secret.env');
  });

  it('applies include patterns, emitting only the parents that lead to included files', async () => {
    const dir = tree({ 'src/app.py': 'a', 'src/other.py': 'o', 'requirements.txt': 'r', 'docs/x': 'd' });
    const { got } = await syncOnce(dir, [], new Map(), ['src/app.py', 'requirements.txt']);
    expect(got.stats.map((s) => s.path)).toEqual(['requirements.txt', 'src', 'src/app.py']);
  });

  it('sends a hardlink once, then as a link to the first path with no data', async () => {
    const dir = tree({ a: 'same' });
    fs.linkSync(path.join(dir, 'a'), path.join(dir, 'b'));
    const { got } = await syncOnce(dir);
    expect(got.stats[1]).toMatchObject({ path: 'b', linkname: 'a' });
    expect(got.requested).toEqual(['a']);
    expect([...got.files.keys()]).toEqual(['a']);
  });

  it('keeps mtimes so a second sync transfers only the changed file', async () => {
    const dir = tree({ 'a.py': 'a', 'b.py': 'b', 'lib/c.py': 'c' });
    const first = await syncOnce(dir);
    expect(first.stats.filesRequested).toBe(3);
    fs.writeFileSync(path.join(dir, 'lib/c.py'), 'changed');
    const second = await syncOnce(dir, [], first.snapshot);
    expect(second.got.requested).toEqual(['lib/c.py']);
    expect(second.stats.filesRequested).toBe(1);
    expect(second.got.files.get('lib/c.py')!.toString()).toBe('changed');
  });

  it('leaves unix sockets out of the context', async () => {
    const dir = tree({ 'a.txt': 'a' });
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(path.join(dir, 'dev.sock'), r));
    try {
      const { got } = await syncOnce(dir);
      expect(got.stats.map((s) => s.path)).toEqual(['a.txt']);
    } finally {
      server.close();
    }
  });

  it('reports a walk failure to the receiver as ERR and rejects', async () => {
    const [daemon, client] = packetStreamPair();
    const missing = path.join(os.tmpdir(), `cogpack-missing-${process.pid}-${Date.now()}`);
    await expect(sendContext(client, 'context', missing, {})).rejects.toThrow(/ENOENT/);
    await new Promise((r) => setImmediate(r));
    expect(client.sent.map((p) => p.type)).toEqual([PacketType.ERR]);
    expect(client.sent[0].data!.toString()).toContain('ENOENT');
    daemon.end();
  });

  it('stops when the daemon cancels the call', async () => {
    const dir = tree(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x'])));
    const [daemon, client] = packetStreamPair();
    const running = sendContext(client, 'context', dir, {});
    client.emit('cancelled');
    await expect(running).rejects.toThrow('cancelled');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.sent.length).toBeLessThan(50); // the walk stopped instead of sending every STAT
    daemon.end();
  });

  it('fails on a request for an id that is not a file', async () => {
    const dir = tree({ 'd/f': 'x' });
    const [daemon, client] = packetStreamPair();
    daemon.on('data', (p) => {
      if (p.type === PacketType.STAT && !p.stat) daemon.write({ type: PacketType.REQ, ID: 0 });
    });
    await expect(sendContext(client, 'context', dir, {})).rejects.toThrow('invalid file id 0');
  });
});
