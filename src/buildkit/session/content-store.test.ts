import { createHash } from 'crypto';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { contentService } from './content-store';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A server call as grpc-js hands it to a handler: metadata, events in, writes out. */
function fakeCall(storeId: string, request?: unknown) {
  const call = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const md = new grpc.Metadata();
  md.set('buildkit-attachable-store-id', storeId);
  const out: Record<string, unknown>[] = [];
  const done = new Promise<{ out: typeof out; error?: { code: number } }>((resolve) => {
    Object.assign(call, {
      metadata: md,
      request,
      write: (m: Record<string, unknown>) => out.push(m),
      end: () => resolve({ out }),
      destroy: (e: Error) => resolve({ out, error: e as never }),
    });
    call.on('error', (e) => resolve({ out, error: e }));
  });
  return { call, done };
}

describe('session Content service over an OCI layout', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-content-test-'));
  const svc = contentService({ [`local:${dir}`]: dir }) as Record<string, (...a: unknown[]) => void>;
  const data = Buffer.from('cogpack cache blob '.repeat(1000));

  it('Write: STAT, WRITE in two pieces, COMMIT with size and digest check → a blob under its digest', async () => {
    const { call, done } = fakeCall(`local:${dir}`);
    svc.Write(call);
    call.emit('data', { action: 0, ref: 'layer-1', total: String(data.length), expected: sha(data) });
    call.emit('data', { action: 1, offset: '0', data: data.subarray(0, 100) });
    call.emit('data', { action: 2, offset: '100', data: data.subarray(100), total: String(data.length), expected: sha(data) });
    call.emit('end');
    const { out, error } = await done;
    expect(error).toBeUndefined();
    expect(out.map((m) => [m.action, m.offset])).toEqual([
      [0, '0'],
      [1, '100'],
      [2, String(data.length)],
    ]);
    expect(out[2].digest).toBe(sha(data));
    expect(fs.readFileSync(path.join(dir, 'blobs', 'sha256', sha(data).slice(7)))).toEqual(data);
  });

  it('Write of a digest already stored answers ALREADY_EXISTS; a wrong digest fails the commit and leaves nothing', async () => {
    const again = fakeCall(`local:${dir}`);
    svc.Write(again.call);
    again.call.emit('data', { action: 0, ref: 'layer-1', expected: sha(data) });
    expect((await again.done).error?.code).toBe(grpc.status.ALREADY_EXISTS);
    const bad = fakeCall(`local:${dir}`);
    svc.Write(bad.call);
    bad.call.emit('data', { action: 2, ref: 'bad', offset: '0', data: Buffer.from('x'), expected: sha(Buffer.from('y')) });
    expect((await bad.done).error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(fs.existsSync(path.join(dir, 'blobs', 'sha256', sha(Buffer.from('x')).slice(7)))).toBe(false);
  });

  it('Info and Read (offset, size) serve a stored blob; an unknown store or digest is NOT_FOUND', async () => {
    const info = await new Promise<{ info: { size: string } }>((ok, ko) =>
      svc.Info({ metadata: fakeCall(`local:${dir}`).call.metadata, request: { digest: sha(data) } }, (e: unknown, r: never) => (e ? ko(e) : ok(r))),
    );
    expect(info.info.size).toBe(String(data.length));
    const read = fakeCall(`local:${dir}`, { digest: sha(data), offset: '5', size: '10' });
    svc.Read(read.call);
    const { out } = await read.done;
    expect(Buffer.concat(out.map((m) => m.data as Buffer))).toEqual(data.subarray(5, 15));
    const missing = await new Promise<{ code: number }>((ok) =>
      svc.Info({ metadata: fakeCall('local:/elsewhere').call.metadata, request: { digest: sha(data) } }, (e: never) => ok(e)),
    );
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
  });
});
