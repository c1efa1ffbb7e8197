/**
 * Streams to the daemon: a plain unix/TCP/TLS socket, and Docker's hijacked endpoints `POST /grpc` and
 * `POST /session` upgraded to h2c on it (the caller speaks HTTP/2 on the socket it gets back).
 */
import * as net from 'net';
import * as tls from 'tls';
import type { Dial } from './endpoint';
import { readFlagFile } from '../../regular-file';

export type Headers = Record<string, string | string[]>;

/** A socket to the daemon, still connecting (unix socket, TCP, or TCP+TLS). */
function openSocket(dial: Dial, opts: { alpnH2?: boolean }): net.Socket {
  if (dial.kind === 'unix') return net.connect(dial.socketPath);
  if (!dial.tls) return net.connect(dial.port, dial.host);
  return tls.connect({
    host: dial.host,
    port: dial.port,
    servername: dial.tls.serverName,
    ca: dial.tls.caCert ? readFlagFile(dial.tls.caCert, 'key', '--tlscacert') : undefined,
    cert: dial.tls.cert ? readFlagFile(dial.tls.cert, 'key', '--tlscert') : undefined,
    key: dial.tls.key ? readFlagFile(dial.tls.key, 'key', '--tlskey') : undefined,
    ALPNProtocols: opts.alpnH2 ? ['h2'] : undefined,
  });
}

/**
 * Opens a plain stream to the daemon (unix socket, TCP, or TCP+TLS). `alpnH2` offers h2 in the TLS
 * handshake, as a gRPC client must (buildkitd); Docker's API speaks HTTP/1.1 first, so not for it.
 */
export function dialStream(dial: Dial, opts: { alpnH2?: boolean } = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = openSocket(dial, opts);
    const ready = dial.kind === 'tcp' && dial.tls ? 'secureConnect' : 'connect';
    sock.once(ready, () => {
      sock.removeListener('error', reject);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

/**
 * Sends `POST <route>` with Upgrade: h2c and resolves with the socket once the daemon answered 101. On a
 * plain socket the request is written at once (net.Socket holds it until connected), so it reaches the
 * daemon while this process is still busy (planning), and the 101 is waiting when it looks.
 */
export async function dockerUpgrade(dial: Dial, route: '/grpc' | '/session', headers: Headers = {}, timeoutMs = 10_000): Promise<net.Socket> {
  const sock = dial.kind === 'tcp' && dial.tls ? await dialStream(dial) : openSocket(dial, {});
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
        const body = buf
          .subarray(end + 4)
          .toString('utf8')
          .trim();
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
