import net from 'node:net';

export interface TestClient {
  readonly socket: net.Socket;
  /** Everything read so far. */
  received(): Buffer;
  /** Resolves with the first `length` bytes read; rejects after `timeoutMs` or on close. */
  waitForBytes(length: number, timeoutMs?: number): Promise<Buffer>;
  /** Settles when the socket closes, with the error that closed it, if any. */
  readonly closed: Promise<Error | undefined>;
  /** Whether the peer's FIN arrived. */
  ended(): boolean;
}

/** A TCP client that records what it reads; connect errors surface through `closed`. */
export async function connectClient(port: number): Promise<TestClient> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let total = 0;
  let error: Error | undefined;
  let ended = false;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    total += chunk.length;
    notify();
  });
  socket.on('end', () => {
    ended = true;
    notify();
  });
  socket.on('error', (err) => {
    error = err;
  });
  const closed = new Promise<Error | undefined>((resolve) =>
    socket.once('close', () => {
      resolve(error);
      notify();
    }),
  );
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', resolve);
  });
  const received = (): Buffer => Buffer.concat(chunks, total);
  return {
    socket,
    received,
    closed,
    ended: () => ended,
    waitForBytes: (length, timeoutMs = 5_000) =>
      new Promise<Buffer>((resolve, reject) => {
        const check = (): void => {
          if (total >= length) {
            done();
            resolve(received().subarray(0, length));
          } else if (socket.destroyed) {
            done();
            reject(new Error(`socket closed after ${total} of ${length} bytes`, { cause: error }));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms with ${total} of ${length} bytes`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}
