import type { FileSystem, FileSystemHandle } from '../../../lib/fs/file-system.js';
import { GroupSync } from '../../../lib/group-sync/group-sync.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { fsyncs } from '../../../lib/metrics/metrics.js';
import type { BlobLayout } from './blob-layout.js';
import { BlobStoreFatalError } from './blob-store-fatal-error.js';
import type { BlobStoreSyncSite } from './blob-sync-sites.js';

/**
 * The local blob store's durability calls: directory fsyncs shared by every caller
 * meanwhile (group commit per directory, GroupSync), each directory opened once, and the
 * rule that a failed fsync is fatal, never retried (fsyncgate: the kernel may have dropped
 * the dirty pages it could not write, and a second fsync would report success).
 */
export class BlobDurability {
  private readonly dirSyncs = new GroupSync((dir, sites) => this.syncDirNow(dir, sites));
  /** Each directory it fsyncs, opened once (staging/, committed/, the object directories). */
  private readonly dirHandles = new Map<string, Promise<FileSystemHandle>>();
  private closed = false;

  constructor(
    private readonly fs: FileSystem,
    private readonly layout: BlobLayout,
    private readonly onFatal: (err: BlobStoreFatalError) => void,
  ) {}

  /** Fsyncs `dir`, in a run shared with every caller (of any site) meanwhile: see GroupSync. */
  syncDir(dir: string, site: BlobStoreSyncSite): Promise<void> {
    return this.dirSyncs.sync(dir, site);
  }

  /** Fsyncs every object directory (they are few and fixed): each rename into them before this call is durable after it. */
  async syncObjectDirs(site: BlobStoreSyncSite): Promise<void> {
    await Promise.all(this.layout.objectDirs().map((dir) => this.syncDir(dir, site)));
  }

  /** fdatasync of a staged object's bytes, through an open handle. */
  datasync(handle: FileSystemHandle, file: string, site: BlobStoreSyncSite): Promise<void> {
    return this.durable('blob-data', file, () => handle.datasync(site));
  }

  /** Closes the directory handles; later syncs open and close a handle each. */
  async close(): Promise<void> {
    this.closed = true;
    const handles = [...this.dirHandles.values()];
    this.dirHandles.clear();
    await Promise.all(handles.map((h) => h.then((handle) => handle.close()).catch(() => undefined)));
  }

  private async syncDirNow(dir: string, sites: readonly string[]): Promise<void> {
    if (this.closed) {
      const handle = await this.fs.open(dir, 'r');
      try {
        await this.durable('blob-dir', dir, () => handle.sync(sites));
      } finally {
        await handle.close();
      }
      return;
    }
    let opened = this.dirHandles.get(dir);
    if (opened === undefined) {
      opened = this.fs.open(dir, 'r');
      this.dirHandles.set(dir, opened);
      // a failed open is not kept: the next sync opens again
      opened.catch(() => this.dirHandles.delete(dir));
    }
    const handle = await opened;
    await this.durable('blob-dir', dir, () => handle.sync(sites));
  }

  /** Runs an fsync; a failure is fatal (see BlobStoreFatalError), never retried. */
  private async durable(what: 'blob-data' | 'blob-dir', target: string, sync: () => Promise<void>): Promise<void> {
    fsyncs.labels(what).inc();
    try {
      await sync();
    } catch (cause) {
      const err = new BlobStoreFatalError(target, { cause });
      this.onFatal(err);
      throw err;
    }
  }
}

/** The default reaction to a failed fsync: log it and exit, so that a restart sees what reached the disk. */
export function stopProcess(logger: Logger): (err: BlobStoreFatalError) => void {
  return (err) => {
    logger.fatal({ err }, 'blob store fsync failed; exiting so that a restart sees what reached the disk');
    // 70 is EX_SOFTWARE (sysexits.h): the supervisor restarts us; a retry in-process cannot be trusted.
    process.exit(70);
  };
}
