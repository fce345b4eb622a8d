import net from 'node:net';

export interface EchoServer {
  readonly port: number;
  /** Bytes the server has read, over every connection. */
  bytesReceived(): number;
  /** Everything the server has read, over every connection, in the order it arrived (latin1). */
  arrivals(): string;
  /** Connections the server has accepted. */
  connectionsAccepted(): number;
  /** Connections the server has accepted and not yet seen close. */
  connectionsOpen(): number;
  close(): Promise<void>;
}

export interface EchoServerOptions {
  /** Answer a client's FIN with our own (default); false leaves the connection half-open. */
  readonly endOnEnd?: boolean;
}

/** A TCP target on 127.0.0.1 that writes back what it reads, with backpressure. */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  let bytesReceived = 0;
  let arrivals = '';
  let connectionsAccepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connectionsAccepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      bytesReceived += chunk.length;
      arrivals += chunk.toString('latin1');
    });
    socket.pipe(socket, { end: options.endOnEnd ?? true });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('echo server has no TCP address');
  return {
    port: address.port,
    bytesReceived: () => bytesReceived,
    arrivals: () => arrivals,
    connectionsAccepted: () => connectionsAccepted,
    connectionsOpen: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
