import type { FileSystem } from '../../../lib/fs/file-system.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { blobFailpoints } from './blob-failpoints.js';
import type { BlobDurability } from './blob-durability.js';
import type { BlobLayout, StagedObjectName } from './blob-layout.js';

/**
 * Unlinks the staged names of committed objects, in batches, in the background: one fsync
 * per object directory touched (started after every link of the batch), then the unlinks.
 * A name goes only once its object's link in `objects/` is durable, so that a crash never
 * leaves a committed object with neither name. A failed fsync stops the process (see
 * BlobDurability); any other failure leaves names that the next recovery retires.
 */
export class StagedNameRetirer {
  private queue: { readonly txId: string; readonly object: StagedObjectName }[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly fs: FileSystem,
    private readonly layout: BlobLayout,
    private readonly durability: BlobDurability,
    private readonly logger: Logger,
  ) {}

  /** Queues the staged names of a committed branch's objects (linked into objects/ already). */
  retire(txId: string, objects: readonly StagedObjectName[]): void {
    for (const object of objects) this.queue.push({ txId, object });
    this.start();
  }

  /** Resolves once every name queued so far is retired. */
  async retired(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private start(): void {
    if (this.running !== undefined) return;
    this.running = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await blobFailpoints.beforeRetire.hit();
        const dirs = new Set(batch.map(({ object }) => this.layout.objectDir(object.sha256)));
        await Promise.all([...dirs].map((dir) => this.durability.syncDir(dir, 'blob.object-dir.retire')));
        for (const { txId, object } of batch) await this.fs.rm(this.layout.stagedObject(txId, object), { force: true });
      }
    })()
      .catch((err: unknown) => this.logger.error({ err }, 'retiring staged names of committed objects failed; a restart retires them'))
      .finally(() => (this.running = undefined));
  }
}
