/**
 * writeOut through real pipes: a reader slower than the writer gets every byte, in order, whether the
 * pipe is blocking (the usual case for a spawned CLI) or non-blocking (EAGAIN: the stream takes over).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, 'write-out.ts');
/** Well beyond what a pipe or socketpair buffers (64-256 KiB here), in a pattern that shows a lost or reordered chunk. */
const SIZE = 1024 * 1024;

function runChild(nonBlocking: boolean): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const script = [
    `const { writeOut } = require(${JSON.stringify(MODULE)});`,
    // process.stdout on a pipe is a libuv pipe handle, which switches the fd to O_NONBLOCK
    nonBlocking ? 'process.stdout;' : '',
    `let s = ''; for (let i = 0; s.length < ${SIZE}; i++) s += String(i % 10007).padStart(6, '0') + '\\n';`,
    `writeOut(s.slice(0, ${SIZE})); writeOut('warned\\n', 'stderr');`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // a slow reader: the pipe fills up before the child has written everything
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

function expected(): string {
  let s = '';
  for (let i = 0; s.length < SIZE; i++) s += `${String(i % 10007).padStart(6, '0')}\n`;
  return s.slice(0, SIZE);
}

describe('writeOut', () => {
  it.each([false, true])(
    'writes everything to a full pipe (non-blocking fd: %s)',
    async (nonBlocking) => {
      const r = await runChild(nonBlocking);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('warned\n');
      expect(r.stdout.length).toBe(SIZE);
      expect(r.stdout.toString('utf8') === expected()).toBe(true);
    },
    60_000,
  );
});
