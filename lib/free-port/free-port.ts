import net from 'node:net';

/**
 * Ports this process was given already. A port is free again the moment its probe closes,
 * so two calls (even a second batch after a first) could be handed the same one; a caller
 * that asks for several ports to listen on at once needs them distinct.
 */
const given = new Set<number>();

async function probe(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address was bound');
  return address.port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago, and that no earlier call in this process returned. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probe();
    if (given.has(port)) continue;
    given.add(port);
    return port;
  }
}
