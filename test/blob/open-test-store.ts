import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { silentLogger } from '../../lib/logger/logger.js';
import { LocalBlobStore, type LocalBlobStoreOptions } from '../../participant/blob/local/local-blob-store.js';
import type { RecoveryResult } from '../../participant/resource-manager.js';

/** A fresh directory under the OS temp dir, removed when the current test finishes. */
export async function makeBlobDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twophase-blob-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A recovered store over `dataDir` (a fresh temp dir by default), closed when the test finishes. */
export async function openTestStore(options: Partial<LocalBlobStoreOptions> = {}): Promise<LocalBlobStore> {
  const dataDir = options.dataDir ?? (await makeBlobDir());
  const store = new LocalBlobStore({ logger: silentLogger(), ...options, dataDir });
  await store.recover();
  onTestFinished(() => store.close());
  return store;
}

/** A new store over an existing directory, as after a restart: its recovery result and the store. */
export async function restartStore(
  dataDir: string,
  options: Partial<LocalBlobStoreOptions> = {},
): Promise<{ readonly store: LocalBlobStore; readonly recovery: RecoveryResult }> {
  const store = new LocalBlobStore({ logger: silentLogger(), ...options, dataDir });
  const recovery = await store.recover();
  onTestFinished(() => store.close());
  return { store, recovery };
}

/** Yields `bytes` in chunks of `chunkBytes`, as a Put's stream would. */
export async function* chunked(bytes: Uint8Array, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic, non-repeating test content. */
export function contentOf(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
