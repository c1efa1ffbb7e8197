/** Probes Docker's `POST /grpc` endpoint: does the daemon upgrade to h2c and speak HTTP/2 (BuildKit's Control API)? */
import * as net from 'node:net';

export interface H2cProbe {
  /** The status line the daemon answered with, e.g. `HTTP/1.1 101 Switching Protocols`. */
  statusLine: string;
  /** True when the first frame after the upgrade is an HTTP/2 SETTINGS frame (type 4). */
  sentSettings: boolean;
}

/** Connects to a unix socket, asks for the h2c upgrade and reads up to the first HTTP/2 frame header. */
export function probeGrpcUpgrade(socketPath: string, timeoutMs = 5000): Promise<H2cProbe> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | null, probe?: H2cProbe): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(probe as H2cProbe);
    };
    sock.on('error', (err) => finish(err));
    sock.on('connect', () => {
      sock.write('POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n');
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const statusLine = buf.subarray(0, buf.indexOf('\r\n')).toString('latin1');
      if (!statusLine.includes(' 101 ')) return finish(null, { statusLine, sentSettings: false });
      // Client preface, so the server starts its HTTP/2 side and sends SETTINGS.
      if (buf.length === end + 4) sock.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + '\x00\x00\x00\x04\x00\x00\x00\x00\x00');
      const frames = buf.subarray(end + 4);
      if (frames.length >= 9) finish(null, { statusLine, sentSettings: frames[3] === 0x04 });
    });
  });
}
