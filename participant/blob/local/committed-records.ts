import path from 'node:path';
import type { Clock, Timer } from '../../../lib/clock/clock.js';
import type { FileSystem } from '../../../lib/fs/file-system.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { BranchNotCommittedError } from '../../participant-errors.js';
import { statOrUndefined } from './blob-fs-errors.js';
import type { BlobDurability } from './blob-durability.js';
import type { BlobLayout } from './blob-layout.js';
import { readManifestLenient } from './blob-manifest-file.js';
import type { StagedNameRetirer } from './staged-name-retirer.js';

/**
 * The records of committed branches (`committed/<txId>.json`, the marker moved there by
 * commit): what a repeated Commit is verified against, and what makes a staged name left
 * after a crash read as committed. Each is kept for the retention and then swept.
 */
export class CommittedRecords {
  private sweeping: Promise<void> | undefined;
  private sweeper: Timer | undefined;

  constructor(
    private readonly fs: FileSystem,
    private readonly layout: BlobLayout,
    private readonly durability: BlobDurability,
    private readonly retirer: StagedNameRetirer,
    private readonly clock: Clock,
    private readonly retentionMs: number,
    private readonly participantId: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Success only when `committed/<txId>.json` shows the branch committed and every object
   * it lists is published, durably; `BranchNotCommittedError` otherwise, never a success on
   * trust. `staged` says whether the branch has unprepared work here (for the error).
   */
  async verify(txId: string, staged: boolean): Promise<void> {
    const recordPath = this.layout.committed(txId);
    if ((await statOrUndefined(this.fs, recordPath)) === undefined) {
      throw new BranchNotCommittedError(
        txId,
        this.participantId,
        staged
          ? 'the branch never prepared (staged work without a marker)'
          : 'no staged work and no commit record (never prepared, aborted, or the record passed its retention)',
      );
    }
    const record = await readManifestLenient(this.fs, recordPath, txId);
    if (record === undefined) {
      // the manifest in a record is written without fsync: a crash may have emptied it
      this.logger.warn({ txId, recordPath }, 'commit record without a readable manifest; its objects cannot be checked');
    }
    for (const object of record?.objects ?? []) {
      const found = await statOrUndefined(this.fs, this.layout.object(object.sha256));
      if (found?.size !== object.size) {
        throw new BranchNotCommittedError(txId, this.participantId, `object ${object.sha256} listed in ${recordPath} is not published`);
      }
    }
    // No sync here: what this reads is durable already. A record stays without its marker
    // only once committed/ was fsynced (by commit, or by recovery after a killed commit),
    // and a staged name goes only once its object's directory was fsynced after the link
    // (retiring, recovery); test/sim/durability-sites.test.ts shows the rule holding.
    this.logger.info({ txId, objects: record?.objects.length }, 'blob branch was already committed (verified)');
  }

  /**
   * Deletes records older than the retention; returns how many. A record is only needed
   * until the coordinator has the ack of its Commit, which takes seconds; the long
   * retention covers a coordinator that is down meanwhile.
   */
  async sweep(): Promise<number> {
    const cutoffMs = this.clock.now() - this.retentionMs;
    const expired: string[] = [];
    for await (const entry of await this.fs.opendir(this.layout.committedRoot)) {
      if (!entry.name.endsWith('.json')) continue;
      const file = path.join(this.layout.committedRoot, entry.name);
      const found = await statOrUndefined(this.fs, file);
      // the later of the commit's stamp and its link (see LocalBlobStore.publish)
      if (found !== undefined && Math.max(found.mtimeMs, found.ctimeMs) < cutoffMs) expired.push(file);
    }
    if (expired.length === 0) return 0;
    // A record is what makes a staged name or marker left after a crash read as committed:
    // the links into objects/ and the removals from staging/ it vouches for, all older
    // than the record, are made durable before it goes.
    await this.retirer.retired();
    await this.durability.syncObjectDirs('blob.object-dir.sweep');
    await this.durability.syncDir(this.layout.stagingRoot, 'blob.staging-dir.sweep');
    let removed = 0;
    for (const file of expired) {
      // no fsync: a record that comes back after a crash is merely swept again
      await this.fs.rm(file, { force: true });
      removed++;
    }
    if (removed > 0) this.logger.info({ removed }, 'swept expired commit records');
    return removed;
  }

  /** Sweeps now and every `intervalMs` until `stop`; a sweep still running is not doubled. */
  startSweeping(intervalMs: number): void {
    // a participant that restarts more often than the interval must still sweep
    this.sweepInBackground();
    this.sweeper = this.clock.every(intervalMs, () => this.sweepInBackground());
  }

  /** Stops the sweeping and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.sweeper?.cancel();
    this.sweeper = undefined;
    await this.sweeping;
  }

  private sweepInBackground(): void {
    if (this.sweeping !== undefined) return;
    this.sweeping = this.sweep()
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'sweep of commit records failed; the next one retries'),
      )
      .finally(() => (this.sweeping = undefined));
  }
}
