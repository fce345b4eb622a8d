import type pg from 'pg';

/**
 * The server process (backend pid) of a connection, which node-postgres learns at
 * startup but its types leave out; undefined before the startup finished. It is what
 * MetadataConnections.endSession ends when the connection's answer was lost.
 */
export function backendPidOf(client: pg.ClientBase): number | undefined {
  const pid = (client as unknown as { processID?: number | null }).processID;
  return typeof pid === 'number' && pid > 0 ? pid : undefined;
}
