import { connect } from 'node:net';

/** What a server answered on one connection: the status of each response it began, and whether it closed the connection. */
export interface RawExchange {
  readonly statuses: readonly number[];
  readonly closedByServer: boolean;
  readonly text: string;
}

/**
 * Sends `parts` (bytes, written in order, `pauseMs` apart) on a fresh TCP connection,
 * half-closes it if asked (a body cut short), and collects what comes back until the server closes or `waitMs` pass:
 * for requests no HTTP client library would send (bad framing, lengths that lie).
 */
export function rawExchange(port: number, parts: readonly Buffer[], options: { pauseMs?: number; waitMs?: number; halfClose?: boolean } = {}): Promise<RawExchange> {
  const { pauseMs = 0, waitMs = 5_000, halfClose = false } = options;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ statuses, closedByServer, text });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', () => {
      closedByServer = true;
      finish();
    });
    // a reset or a broken pipe: the server dropped the connection
    socket.on('error', () => {
      closedByServer = true;
      finish();
    });
    socket.on('connect', () => {
      void (async () => {
        for (const part of parts) {
          if (socket.destroyed) return;
          socket.write(part);
          if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
        }
        if (halfClose && !socket.destroyed) socket.end();
      })();
    });
  });
}

/** An HTTP/1.1 request's head: the request line and headers, CRLF-terminated. */
export function head(requestLine: string, headers: readonly (readonly [string, string])[]): Buffer {
  return Buffer.from(`${requestLine}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1');
}
