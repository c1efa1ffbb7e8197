import * as grpc from '@grpc/grpc-js';
import { DOCKER_MAX_REQUEST_BYTES, encodeSolveRequest, solve, type SolveOptions } from './solve';
import type { BuildkitConnection } from '../connection/connection';
import { protoType } from '../../protobuf/protos';
import { connectBuildkit } from '../connection/connection';
import { startFakeBuildkitd } from '../connection/fake-daemon';
import { BuildError, DaemonError, InterruptedError } from '../errors';
import { exporterVertexDigest } from './export-done';

const definition = Uint8Array.from([0x0a, 0x03, 1, 2, 3]);

describe('solve', () => {
  it('sends the Definition bytes verbatim and mirrors the first exporter into the deprecated fields', () => {
    const buf = encodeSolveRequest('r1', { definition, exporters: [{ type: 'moby', attrs: { name: 'x', a: '1' } }], sessionId: 's' });
    const T = protoType('moby.buildkit.v1.SolveRequest');
    const back = T.toObject(T.decode(buf), { bytes: Buffer }) as any;
    expect(back.Ref).toBe('r1');
    expect(back.Session).toBe('s');
    expect(back.ExporterDeprecated).toBe('moby');
    expect(back.ExporterAttrsDeprecated).toEqual({ a: '1', name: 'x' });
    expect(back.Exporters).toEqual([{ Type: 'moby', Attrs: { a: '1', name: 'x' } }]);
    expect(Buffer.from(buf).subarray(buf.length - definition.length)).toEqual(Buffer.from(definition));
  });

  it('writes cache imports and exports with their type and attrs', () => {
    const buf = encodeSolveRequest('r', {
      definition,
      exporters: [],
      cacheImports: [{ type: 'registry', attrs: { ref: 'r/c' } }],
      cacheExports: [{ type: 'registry', attrs: { ref: 'r/c', mode: 'max' } }],
    });
    const T = protoType('moby.buildkit.v1.SolveRequest');
    const back = T.toObject(T.decode(buf)) as any;
    expect(back.Cache.Imports).toEqual([{ Type: 'registry', Attrs: { ref: 'r/c' } }]);
    expect(back.Cache.Exports).toEqual([{ Type: 'registry', Attrs: { mode: 'max', ref: 'r/c' } }]);
  });

  it('streams Status while solving and returns the exporter response', async () => {
    let seenRef = '';
    const fake = await startFakeBuildkitd({
      Solve: (call: any, cb: any) => {
        seenRef = call.request.Ref;
        setTimeout(() => cb(null, { ExporterResponse: { 'containerimage.digest': 'sha256:abc' } }), 50);
      },
      Status: (call: any) => {
        call.write({ vertexes: [{ digest: 'd1', name: 'RUN x', cached: true }] });
        call.end();
      },
    });
    const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
    const seen: string[] = [];
    const res = await solve(conn, { definition, exporters: [], onStatus: (s) => seen.push(s.vertexes![0].name!) });
    expect(res.exporterResponse['containerimage.digest']).toBe('sha256:abc');
    expect(res.ref).toBe(seenRef);
    expect(seen).toEqual(['RUN x']);
    expect(res.vertices.get('d1')?.cached).toBe(true);
    conn.close();
    await fake.close();
  });

  it('names the failing step and its exit code as a build error (exit 1)', async () => {
    const fake = await startFakeBuildkitd({
      Solve: (_call: any, cb: any) =>
        setTimeout(() => cb({ code: grpc.status.UNKNOWN, details: 'process "/bin/sh -c false" did not complete successfully: exit code: 7' }), 30),
      Status: (call: any) => {
        call.write({ vertexes: [{ digest: 'd1', name: 'install deps', error: 'exit code: 7' }] });
        call.end();
      },
    });
    const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
    const err = await solve(conn, { definition, exporters: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.exitCode).toBe(1);
    expect(err.toOneLine()).toBe('step "install deps" failed with exit code 7 [E_RUN_FAILED]');
    conn.close();
    await fake.close();
  });

  it('reports a daemon that drops the connection mid-build (exit 3)', async () => {
    const fake = await startFakeBuildkitd({
      Solve: () => setTimeout(() => void fake.close(), 50), // never answers; the server goes away
      Status: () => undefined,
    });
    const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
    const err = await solve(conn, { definition, exporters: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(DaemonError);
    expect(err.exitCode).toBe(3);
    expect(err.toOneLine()).toMatch(/went away mid-build/);
    conn.close();
  });

  it('cancels the Solve call on abort and reports an interruption (exit 130)', async () => {
    let cancelled = false;
    let statusCall: any;
    const fake = await startFakeBuildkitd({
      // like BuildKit: cancelling Solve tears the job down, which ends its Status stream
      Solve: (call: any) =>
        call.on('cancelled', () => {
          cancelled = true;
          statusCall.end();
        }),
      Status: (call: any) => (statusCall = call),
    });
    const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await solve(conn, { definition, exporters: [], signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    await new Promise((r) => setTimeout(r, 100));
    expect(cancelled).toBe(true);
    conn.close();
    await fake.close();
  });

  describe('returning when the image is exported', () => {
    const manifest = `sha256:${'a'.repeat(64)}`;
    const config = `sha256:${'c'.repeat(64)}`;
    /** a daemon that reports the exporter done and then answers Solve only after `answerMs` (its history record) */
    async function exportingDaemon(answerMs: number, vertexDigest: (session: string) => string) {
      // cancelled: the client dropped the call before its answer
      const seen = { cancelled: false, answered: false };
      const fake = await startFakeBuildkitd({
        Solve: (call: any, cb: any) => {
          call.on('cancelled', () => (seen.cancelled ||= !seen.answered));
          const answer = setTimeout(() => {
            seen.answered = true;
            cb(null, { ExporterResponse: { 'containerimage.digest': 'sha256:fromsolve' } });
          }, answerMs);
          call.on('cancelled', () => clearTimeout(answer));
        },
        Status: (call: any) => {
          const session = 'sess-1';
          const v = vertexDigest(session);
          setTimeout(() => {
            call.write({ vertexes: [{ digest: v, name: 'exporting to image', started: { seconds: 1 } }] });
            call.write({
              statuses: [
                { ID: `exporting manifest ${manifest}`, vertex: v },
                { ID: `exporting config ${config}`, vertex: v },
              ],
            });
            call.write({ vertexes: [{ digest: v, name: 'exporting to image', started: { seconds: 1 }, completed: { seconds: 2 } }] });
          }, 20);
          setTimeout(() => call.end(), answerMs + 20).unref(); // the job is over once Solve answered
        },
      });
      return { fake, seen };
    }

    it("returns the digests from the exporter's statuses without waiting for the Solve answer, and drops the call", async () => {
      const { fake, seen } = await exportingDaemon(5_000, (s) => exporterVertexDigest(s, 0));
      const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
      const t = Date.now();
      const res = await solve(conn, { definition, exporters: [{ type: 'moby', attrs: {} }], sessionId: 'sess-1' });
      expect(Date.now() - t).toBeLessThan(4_000);
      expect(res.returnedAtExport).toBe(true);
      expect(res.exporterResponse).toEqual({ 'containerimage.digest': manifest, 'containerimage.config.digest': config });
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.cancelled).toBe(true);
      conn.close();
      await fake.close();
    });

    it("waits for the Solve answer when a cache export follows the image, or another exporter's vertex completes", async () => {
      for (const [opts, vertex] of [
        [{ cacheExports: [{ type: 'local', attrs: { dest: '/x' } }] }, (s: string) => exporterVertexDigest(s, 0)],
        [{}, (s: string) => exporterVertexDigest(s, 1)],
      ] as [Partial<SolveOptions>, (s: string) => string][]) {
        const { fake, seen } = await exportingDaemon(300, vertex);
        const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
        const res = await solve(conn, { definition, exporters: [{ type: 'moby', attrs: {} }], sessionId: 'sess-1', ...opts });
        expect(res.returnedAtExport).toBe(false);
        expect(res.exporterResponse).toEqual({ 'containerimage.digest': 'sha256:fromsolve' });
        expect(seen.cancelled).toBe(false);
        conn.close();
        await fake.close();
      }
    });
  });

  describe("a Definition over the daemon's gRPC message limit", () => {
    const big = new Uint8Array(DOCKER_MAX_REQUEST_BYTES);

    it('is refused before sending to Docker (4 MiB) with one line naming the size, the cause and a fix', async () => {
      let called = false;
      // answers at once if anything is sent, so the test fails fast rather than hanging
      const stream = { on: (ev: string, f: () => void) => ev === 'end' && setImmediate(f), cancel: () => undefined };
      const control = {
        makeUnaryRequest: (...a: any[]) => {
          called = true;
          a[6](new Error('sent'));
          return { cancel: () => undefined };
        },
        Status: () => {
          called = true;
          return stream;
        },
      };
      const conn = { kind: 'docker', addr: 'unix:///d.sock', control } as unknown as BuildkitConnection;
      const err = await solve(conn, { definition: big, exporters: [] }).catch((e) => e);
      expect(called).toBe(false);
      expect(err).toBeInstanceOf(BuildError);
      expect(err.code).toBe('E_DEFINITION_TOO_LARGE');
      expect(err.toOneLine()).toMatch(
        /^the build definition is 4\.0 MiB \(\d+ bytes\), over the 4\.0 MiB gRPC message limit of unix:\/\/\/d\.sock; fix: .*fewer, larger stages/,
      );
      expect(err.toOneLine()).not.toContain('\n');
    });

    it('is sent to a standalone buildkitd, and its "larger than max" rejection gets the same clear error', async () => {
      const fake = await startFakeBuildkitd({
        Solve: (_call: any, cb: any) => cb({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'grpc: received message larger than max (4194347 vs. 4194304)' }),
        Status: (call: any) => call.end(),
      });
      const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
      const err = await solve(conn, { definition, exporters: [] }).catch((e) => e);
      expect(err).toBeInstanceOf(BuildError);
      expect(err.code).toBe('E_DEFINITION_TOO_LARGE');
      expect(err.toOneLine()).toMatch(/^the build definition is 4\.0 MiB \(4194347 bytes\), over the 4\.0 MiB gRPC message limit of unix:/);
      conn.close();
      await fake.close();
    });
  });
});
