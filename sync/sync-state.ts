import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../lib/config/config-error.js';
import { fsyncPath } from '../lib/fs/fsync-path.js';
import type { SyncedFile } from './sync-decision.js';

/** The directory inside a synced folder that belongs to `twophase sync` (never synced itself). */
export const syncDirName = '.twophase-sync';

const stateVersion = 1;

interface StateFileV1 {
  readonly version: 1;
  readonly gateway: string;
  readonly namespace: string;
  /** The last change-feed cursor whose changes are all reflected in `files`. */
  readonly cursor: number;
  readonly files: Record<string, SyncedFile>;
}

/**
 * What a folder last synced with its namespace: per path the revision, SHA-256, size and
 * mtime both sides had, and the change-feed cursor up to which the server's changes are in
 * it. Kept in `<folder>/.twophase-sync/state.json`, replaced whole on each save (written to
 * a temporary file, fsynced, renamed over, the directory fsynced), so a crash leaves the old
 * state or the new one, never a torn one. A state older than what was done is safe: every
 * decision compares content, so a change already carried to the other side reads as the
 * same content on both sides and only moves the state (sync-decision.ts).
 */
export class SyncState {
  private readonly files: Map<string, SyncedFile>;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly owner: { readonly gateway: string; readonly namespace: string },
    files: Map<string, SyncedFile>,
    /** See StateFileV1.cursor. */
    public cursor: number,
  ) {
    this.files = files;
  }

  /**
   * The state of `folder`, or an empty one. A folder synced with another namespace or
   * gateway is refused (ConfigError): its state says nothing about this one.
   */
  static async open(folder: string, owner: { readonly gateway: string; readonly namespace: string }): Promise<SyncState> {
    const dir = path.join(folder, syncDirName);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'state.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // a new state is saved even with nothing in it: it records whom the folder syncs with
      const fresh = new SyncState(file, owner, new Map(), 0);
      fresh.dirty = true;
      return fresh;
    }
    let parsed: StateFileV1;
    try {
      parsed = JSON.parse(text) as StateFileV1;
    } catch (err) {
      throw new ConfigError(`the sync state ${file} is not valid JSON (${(err as Error).message}); move it away to sync this folder from scratch (every file is then compared with the server by content)`, 'state');
    }
    if (parsed.version !== stateVersion || typeof parsed.files !== 'object' || !Number.isSafeInteger(parsed.cursor)) {
      throw new ConfigError(`the sync state ${file} is not one this version reads (version ${String(parsed.version)}); move it away to sync this folder from scratch`, 'state');
    }
    if (parsed.namespace !== owner.namespace || parsed.gateway !== owner.gateway) {
      throw new ConfigError(
        `${folder} is synced with namespace ${JSON.stringify(parsed.namespace)} at ${parsed.gateway}, not ${JSON.stringify(owner.namespace)} at ${owner.gateway}; sync another folder, or move ${dir} away to start this one over`,
        'namespace',
      );
    }
    return new SyncState(file, owner, new Map(Object.entries(parsed.files)), parsed.cursor);
  }

  get(relativePath: string): SyncedFile | undefined {
    return this.files.get(relativePath);
  }

  set(relativePath: string, entry: SyncedFile): void {
    this.files.set(relativePath, entry);
    this.dirty = true;
  }

  delete(relativePath: string): void {
    if (this.files.delete(relativePath)) this.dirty = true;
  }

  setCursor(cursor: number): void {
    if (cursor !== this.cursor) {
      this.cursor = cursor;
      this.dirty = true;
    }
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  get size(): number {
    return this.files.size;
  }

  /** Writes the state durably if it changed since the last save. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const body: StateFileV1 = { version: stateVersion, gateway: this.owner.gateway, namespace: this.owner.namespace, cursor: this.cursor, files: Object.fromEntries(this.files) };
    const temp = `${this.file}.tmp`;
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(JSON.stringify(body));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
      await fsyncPath(path.dirname(this.file));
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}
