import { loadProto } from '../proto/load-proto.js';
import { untilPromoted } from '../lib/supervisor/supervised-child.js';

/**
 * Called by a long-running command once it has imported the code it runs, before it reads
 * a file, takes a port or calls a peer: parses the .proto files (and loads `more`), then, in
 * a standby process of `twophase dev`, waits until dev promotes it in place of the process
 * it replaces (see Supervisor). Elsewhere it only does the loading, which the command's
 * servers and clients would do first thing anyway.
 */
export async function untilLoaded(more?: () => Promise<unknown>): Promise<void> {
  loadProto();
  await more?.();
  await untilPromoted();
}
