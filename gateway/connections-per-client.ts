import type { Server } from 'node:net';

/**
 * Closes, as soon as it opens, a connection from a client address that already holds `max`
 * open ones: one client cannot take every socket the gateway has (many idle keep-alive
 * connections, or many slow uploads). Behind a proxy every connection comes from its
 * address; raise the limit there (the proxy limits its own clients).
 */
export function limitConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
