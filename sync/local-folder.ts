import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, opendir, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fsyncPath } from '../lib/fs/fsync-path.js';
import type { IgnoreRules } from './ignore-rules.js';
import type { LocalFile } from './sync-decision.js';
import { syncDirName } from './sync-state.js';

/** What stat says of a local path, enough to tell whether a file changed. */
export interface LocalStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** A path on disk is something other than a regular file (a directory, a link, a device): it is not synced. */
export class NotAFileError extends Error {
  override readonly name = 'NotAFileError';
}

/** The bytes received for a revision were not the ones the feed named: nothing was written. */
export class DownloadMismatchError extends Error {
  override readonly name = 'DownloadMismatchError';
}

/**
 * The synced folder on disk: relative `/`-separated paths in, real files out. Writes are
 * atomic (a temporary file in `.twophase-sync/tmp`, fsynced, renamed into place, the
 * directory fsynced), and each write or delete first checks that the file it replaces is
 * still the one the decision was made on, so an edit made meanwhile is never overwritten:
 * it is found by the next pass instead.
 */
export class LocalFolder {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(
    root: string,
    private readonly ignore: IgnoreRules,
  ) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, syncDirName, 'tmp');
  }

  /** Empties the temporary directory (downloads cut short by a crash). */
  async open(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  /** The absolute path of a relative one; throws for a path that would leave the folder. */
  absolute(relativePath: string): string {
    const full = path.resolve(this.root, ...relativePath.split('/'));
    if (full !== this.root && !full.startsWith(`${this.root}${path.sep}`)) throw new Error(`${JSON.stringify(relativePath)} is outside ${this.root}`);
    return full;
  }

  /** Every regular file under the folder that is not ignored, as relative paths. */
  async walk(): Promise<string[]> {
    const out: string[] = [];
    const visit = async (dir: string, prefix: string): Promise<void> => {
      let entries;
      try {
        entries = await opendir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for await (const entry of entries) {
        const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
        if (this.ignore.ignores(rel)) continue;
        if (entry.isDirectory()) await visit(path.join(dir, entry.name), rel);
        else if (entry.isFile()) out.push(rel);
      }
    };
    await visit(this.root, '');
    return out;
  }

  /** The stat of a regular file; undefined when nothing is there; NotAFileError for anything else. */
  async stat(relativePath: string): Promise<LocalStat | undefined> {
    try {
      const s = await lstat(this.absolute(relativePath));
      if (!s.isFile()) throw new NotAFileError(`${relativePath} is not a regular file`);
      return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  /**
   * The file's content digest with the stat it belongs to, or 'changing' when the file
   * changed since `before` (its stat, taken by the caller) or while it was read (still
   * being written: try again later).
   */
  async hash(relativePath: string, before: LocalStat): Promise<(LocalFile & { readonly ino: number }) | 'changing'> {
    const digest = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of createReadStream(this.absolute(relativePath)) as AsyncIterable<Buffer>) {
        digest.update(chunk);
        size += chunk.length;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'changing';
      throw err;
    }
    const after = await this.stat(relativePath);
    if (after === undefined || !sameStat(before, after) || size !== after.size) return 'changing';
    return { sha256: digest.digest('hex'), size, mtimeMs: after.mtimeMs, ino: after.ino };
  }

  /**
   * Writes `source` to `relativePath` atomically, provided its SHA-256 and size are the
   * expected ones (DownloadMismatchError otherwise) and the path still holds what
   * `expected` says (undefined: nothing) just before the rename; returns the new file's
   * stat, or 'changed' when the local file changed meanwhile (nothing was replaced).
   */
  async write(relativePath: string, source: Readable, sha256: string, size: number, expected: LocalStat | undefined): Promise<LocalStat | 'changed'> {
    const temp = path.join(this.tmpDir, randomBytes(12).toString('hex'));
    const digest = createHash('sha256');
    let written = 0;
    const handle = await open(temp, 'wx');
    try {
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          digest.update(chunk);
          written += chunk.length;
          await handle.write(chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const got = digest.digest('hex');
      if (got !== sha256 || written !== size) throw new DownloadMismatchError(`${relativePath}: received ${written} bytes with SHA-256 ${got}, expected ${size} bytes with ${sha256}`);
      const target = this.absolute(relativePath);
      await mkdir(path.dirname(target), { recursive: true });
      const now = await this.stat(relativePath).catch((err: unknown) => (err instanceof NotAFileError ? ('other' as const) : Promise.reject(err)));
      if (now === 'other' || !sameOrBothAbsent(now, expected)) return 'changed';
      await rename(temp, target);
      await fsyncPath(path.dirname(target));
      const placed = await this.stat(relativePath);
      if (placed === undefined) return 'changed';
      return placed;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Removes the file if it is still as `expected`; false when it changed (left as it is). */
  async remove(relativePath: string, expected: LocalStat): Promise<boolean> {
    const now = await this.stat(relativePath).catch(() => undefined);
    if (now === undefined) return true;
    if (!sameStat(now, expected)) return false;
    await unlink(this.absolute(relativePath));
    await fsyncPath(path.dirname(this.absolute(relativePath)));
    await this.removeEmptyParents(relativePath);
    return true;
  }

  /** Renames a file within the folder (a conflicted copy aside); false when the source is gone. */
  async move(from: string, to: string): Promise<boolean> {
    try {
      await mkdir(path.dirname(this.absolute(to)), { recursive: true });
      await rename(this.absolute(from), this.absolute(to));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await fsyncPath(path.dirname(this.absolute(to)));
    return true;
  }

  /** Directories left empty by a remote delete go too, up to the folder (never the folder itself). */
  private async removeEmptyParents(relativePath: string): Promise<void> {
    let dir = path.posix.dirname(relativePath);
    while (dir !== '.' && dir !== '') {
      const full = this.absolute(dir);
      const left = await readdir(full).catch(() => ['?']);
      if (left.length > 0) return;
      await rmdir(full).catch(() => undefined);
      dir = path.posix.dirname(dir);
    }
  }
}

export function sameStat(a: LocalStat, b: LocalStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function sameOrBothAbsent(a: LocalStat | undefined, b: LocalStat | undefined): boolean {
  return a === undefined || b === undefined ? a === b : sameStat(a, b);
}
