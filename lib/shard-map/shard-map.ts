import { createHash } from 'node:crypto';
import { assert } from '../assert/assert.js';

/**
 * The metadata shard a namespace belongs to (DESIGN.md, *Processes*: sharded metadata):
 * the shard at index SHA-256(namespace)'s first four bytes, big-endian, modulo the number
 * of shards. Every process that routes by namespace (the SDK, the gateway) computes it
 * from the one ordered list the coordinators serve, so they all agree; the list is fixed
 * for a deployment's life (adding a shard moves namespaces, which needs a migration).
 */
export function shardOf(namespace: string, shards: readonly string[]): string {
  assert(shards.length > 0, 'at least one shard');
  const index = createHash('sha256').update(namespace, 'utf8').digest().readUInt32BE(0) % shards.length;
  return shards[index]!;
}
