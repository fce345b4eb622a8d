import type { Socket } from 'node:net';

/**
 * Closes `socket` with a TCP RST where it can, so the peer sees ECONNRESET at once
 * instead of an orderly end it could mistake for a finished stream. Never throws.
 */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy on a connecting socket waits for the connection it is abandoning
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}
