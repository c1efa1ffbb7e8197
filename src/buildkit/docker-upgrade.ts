/**
 * Docker's hijacked endpoints: `POST /grpc` and `POST /session` upgraded to h2c on the daemon socket, and
 * a private unix-socket bridge so grpc-js (which cannot be handed a socket) can dial the upgraded stream.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import type { Dial } from './endpoint';

export type Headers = Record<string, string | string[]>;

/** Opens a plain stream to the daemon (unix socket, TCP, or TCP+TLS). */
export function dialStream(dial: Dial): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dial.kind === 'unix'
      ? net.connect(dial.socketPath)
      : dial.tls
        ? tls.connect({
          host: dial.host,
          port: dial.port,
          servername: dial.tls.serverName,
          ca: dial.tls.caCert ? fs.readFileSync(dial.tls.caCert) : undefined,
          cert: dial.tls.cert ? fs.readFileSync(dial.tls.cert) : undefined,
          key: dial.tls.key ? fs.readFileSync(dial.tls.key) : undefined,
        })
        : net.connect(dial.port, dial.host);
    const ready = dial.kind === 'tcp' && dial.tls ? 'secureConnect' : 'connect';
    sock.once(ready, () => {
      sock.removeListener('error', reject);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

/** Sends `POST <route>` with Upgrade: h2c and resolves with the socket once the daemon answered 101. */
export async function dockerUpgrade(dial: Dial, route: '/grpc' | '/session', headers: Headers = {}, timeoutMs = 10_000): Promise<net.Socket> {
  const sock = await dialStream(dial);
  const lines = [`POST ${route} HTTP/1.1`, 'Host: docker', 'Connection: Upgrade', 'Upgrade: h2c'];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  sock.write(`${lines.join('\r\n')}\r\n\r\n`);
  return readUpgradeResponse(sock, route, timeoutMs);
}

/**
 * Reads the HTTP answer with 'readable' + read() rather than 'data': once our listener goes, the socket is
 * back in its initial mode, so whoever takes it next (pipe, a 'data' listener, http2) receives every byte.
 */
function readUpgradeResponse(sock: net.Socket, route: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no answer to POST ${route} within ${timeoutMs} ms`)), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      sock.removeListener('readable', onReadable);
      sock.removeListener('error', fail);
      sock.removeListener('end', onEnd);
    };
    function fail(err: Error): void {
      cleanup();
      sock.destroy();
      reject(err);
    }
    function onEnd(): void {
      fail(new Error(`the daemon closed the connection during POST ${route}`));
    }
    function onReadable(): void {
      let chunk: Buffer | null;
      while ((chunk = sock.read() as Buffer | null) !== null) {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0) return onHead(end);
      }
    }
    function onHead(end: number): void {
      const status = buf.subarray(0, end).toString('latin1').split('\r\n')[0];
      if (!/^HTTP\/1\.[01] 101\b/.test(status)) {
        const body = buf.subarray(end + 4).toString('utf8').trim();
        fail(new Error(`POST ${route} answered "${status}"${body ? `: ${body.slice(0, 200)}` : ''}`));
        return;
      }
      cleanup();
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) sock.unshift(rest);
      resolve(sock);
    }
    sock.on('readable', onReadable);
    sock.once('error', fail);
    sock.once('end', onEnd);
  });
}

export interface Bridge {
  /** grpc-js target, `unix:///tmp/…/grpc.sock` */
  target: string;
  close(): void;
}

/** A private unix socket; every connection to it is piped to a fresh `POST /grpc` upgrade on the daemon. */
export async function startGrpcBridge(dial: Dial): Promise<Bridge> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-bk-'));
  const sockPath = path.join(dir, 'grpc.sock');
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    dockerUpgrade(dial, '/grpc').then(
      (up) => {
        open.add(up);
        up.once('close', () => {
          open.delete(up);
          client.destroy();
        });
        up.on('error', () => up.destroy());
        client.once('close', () => up.destroy());
        client.pipe(up);
        up.pipe(client);
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sockPath, () => resolve());
  });
  fs.chmodSync(sockPath, 0o600);
  return {
    target: `unix://${sockPath}`,
    close() {
      server.close();
      for (const s of open) s.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
