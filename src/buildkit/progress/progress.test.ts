import { createProgress, parseProgressMode } from './progress';
import type { StatusResponse } from './status-types';
import { UsageError } from '../../errors';

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s), isTTY, columns: 60 }, text: () => chunks.join('') };
}

const run: StatusResponse[] = [
  { vertexes: [{ digest: 'a', name: 'FROM base', cached: true }] },
  { vertexes: [{ digest: 'b', name: 'pip install', started: ts(1000) }] },
  { logs: [{ vertex: 'b', timestamp: ts(1250), stream: '1', msg: Buffer.from('Collecting x\nInstal') }] },
  { logs: [{ vertex: 'b', timestamp: ts(1500), stream: '1', msg: Buffer.from('led x\n') }] },
  { vertexes: [{ digest: 'b', name: 'pip install', started: ts(1000), completed: ts(3400) }] },
];

describe('progress', () => {
  it('plain mode prints numbered steps, logs with offsets, CACHED and DONE like buildx', () => {
    const s = sink();
    const p = createProgress('plain', s.out);
    run.forEach((m) => p.onStatus(m));
    p.finish();
    expect(s.text()).toBe(
      ['', '#1 FROM base', '#1 CACHED', '', '#2 pip install', '#2 0.250 Collecting x', '#2 0.500 Installed x', '#2 DONE 2.4s', ''].join('\n'),
    );
  });

  it('shows the failing step and its logs with ERROR', () => {
    const s = sink();
    const p = createProgress('plain', s.out);
    p.onStatus({ vertexes: [{ digest: 'c', name: 'RUN false', started: ts(0) }] });
    p.onStatus({ logs: [{ vertex: 'c', msg: Buffer.from('boom') }] });
    p.onStatus({ vertexes: [{ digest: 'c', started: ts(0), completed: ts(100), error: 'exit code: 1' }] });
    expect(s.text()).toContain('#1 0.100 boom\n#1 ERROR: exit code: 1'); // a partial last line is flushed at completion
  });

  it("quiet and tty modes print the failing step's logs at the end", () => {
    for (const mode of ['quiet', 'tty'] as const) {
      const s = sink(true);
      const p = createProgress(mode, s.out, () => 5000);
      p.onStatus({ vertexes: [{ digest: 'c', name: 'RUN false', started: ts(0) }] });
      p.onStatus({ logs: [{ vertex: 'c', msg: Buffer.from('first\nlast words') }] });
      p.onStatus({ vertexes: [{ digest: 'c', completed: ts(100), error: 'exit code: 2' }] });
      p.finish(true);
      expect(s.text()).toContain('> first\n> last words\nERROR: exit code: 2');
    }
  });

  it('tty mode redraws one frame in place with counts', () => {
    const s = sink(true);
    const p = createProgress('auto', s.out, () => 4000);
    run.forEach((m) => p.onStatus(m));
    p.finish();
    p.finish();
    const frames = s.text();
    expect(frames).toContain('[+] Building 0.0s (2/2)');
    expect(frames).toMatch(/ => CACHED FROM base +0\.0s/);
    expect(frames).toMatch(/ => pip install +2\.4s/);
    expect(frames).toContain('\x1b[3F'); // second frame moves up over the first
  });

  it('rawjson writes each StatusResponse as one JSON line with bytes in base64', () => {
    const s = sink();
    const p = createProgress('rawjson', s.out);
    run.forEach((m) => p.onStatus(m));
    const lines = s.text().trim().split('\n');
    expect(lines).toHaveLength(run.length);
    expect(JSON.parse(lines[2]).logs[0].msg).toBe(Buffer.from('Collecting x\nInstal').toString('base64'));
  });

  it('rejects an unknown mode as a usage error', () => {
    expect(() => parseProgressMode('fancy')).toThrow(UsageError);
    expect(parseProgressMode('rawjson')).toBe('rawjson');
  });
});
