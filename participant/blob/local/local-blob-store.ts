import { blobBytesPublished, blobBytesStaged } from './blob-metrics.js';
import { randomBytes } from 'node:crypto';
import { assert, assertNever } from '../../../lib/assert/assert.js';
import { type Clock, systemClock } from '../../../lib/clock/clock.js';
import type { FileSystem } from '../../../lib/fs/file-system.js';
import { nodeFileSystem } from '../../../lib/fs/node-file-system.js';
import { limits } from '../../../lib/limits/limits.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { txIdProblem } from '../../../lib/tx-id/tx-id.js';
import { ChecksumMismatchError, InvalidInputError, LimitExceededError, TxNotActiveError } from '../../participant-errors.js';
import type { PrepareVote, RecoveryResult } from '../../resource-manager.js';
import { BranchAlreadyCommittedError } from '../branch-already-committed-error.js';
import { BlobDurability, stopProcess } from './blob-durability.js';
import { blobFailpoints } from './blob-failpoints.js';
import { statOrUndefined } from './blob-fs-errors.js';
import { BlobLayout, type StagedObjectName } from './blob-layout.js';
import { type BlobManifest, blobManifestVersion } from './blob-manifest.js';
import { BlobReads } from './blob-reads.js';
import { recoverBlobDir } from './blob-recovery.js';
import type { BlobRead, BlobStore, ByteRange, PutExpectation, PutResult } from '../blob-store.js';
import type { BlobStoreFatalError } from './blob-store-fatal-error.js';
import { CommittedRecords } from './committed-records.js';
import { isSha256Hex } from '../is-sha256-hex.js';
import { linkObject } from './link-object.js';
import { receiveObject } from './receive-object.js';
import { StagedNameRetirer } from './staged-name-retirer.js';


export interface LocalBlobStoreOptions {
  /** Directory holding `staging/`, `objects/` and `committed/`; created if missing. One store per directory. */
  readonly dataDir: string;
  /** The file system the data dir is on. Default: the real one (`node:fs`). */
  readonly fs?: FileSystem;
  readonly logger: Logger;
  /** Default `blob`. */
  readonly participantId?: string;
  /** Largest object `put` accepts. Default `limits.blobObjectBytesMax`. */
  readonly objectBytesMax?: number;
  /** How long `committed/<txId>.json` is kept. Default `limits.blobCommittedRetentionMs`. */
  readonly committedRetentionMs?: number;
  /** How often expired commit records are swept. Default `limits.blobCommittedSweepIntervalMs`. */
  readonly sweepIntervalMs?: number;
  /** Time and timers: stamps manifests and commit records, drives retention and the sweep. Default `systemClock`. */
  readonly clock?: Clock;
  /** The random part of a staged object's names, 32 lower-case hex digits. Default: 16 bytes of `crypto.randomBytes`. */
  readonly newObjectId?: () => string;
  /**
   * Told, once per failure, that an fsync failed. Default: log it and exit the process with
   * status 70 (fsyncgate: retrying an fsync in-process cannot be trusted).
   */
  readonly onFatal?: (err: BlobStoreFatalError) => void;
}

/**
 * An unprepared branch, in memory only: unprepared work does not survive a restart (recover
 * deletes it, since the coordinator presumes it aborted), so neither need this. `objects`
 * are the staged files it holds, which a no vote or an abort deletes.
 */
type OpenBranch =
  | { readonly kind: 'working'; readonly objects: StagedObjectName[] }
  /** A Put of this branch failed its checksum; the branch can only vote no. */
  | { readonly kind: 'poisoned'; readonly reason: string; readonly objects: StagedObjectName[] };

type Lifecycle = 'new' | 'recovering' | 'ready' | 'closed';

/**
 * The blob participant's store over a local directory (layout: BlobLayout). A Put's bytes
 * are made durable as they finish arriving (fdatasync) and the file is then named by its
 * size and digest; prepare adds the branch's marker, and one fsync of the staging
 * directory, shared by every tx preparing meanwhile, makes names and marker durable: that
 * is the yes vote. Commit publishes by hard link into a content-addressed tree and moves
 * the marker to `committed/`; reads only ever see published objects.
 *
 * Publishing adds names and removes none until the new ones are durable, because other
 * txs fsync `staging/` at any moment: a rename out of it could become durable at the
 * source and not at the destination. So commit hard-links each staged file into
 * `objects/<aa>/` and its marker into `committed/`, fsyncs only `committed/` (shared),
 * and answers; the marker's name goes at once (the record is durable), each staged
 * object's name only after an fsync of its object directory that began after its link,
 * done in the background for every tx committed meanwhile (StagedNameRetirer). A crash
 * before that leaves the staged names beside a commit record, and recovery links them
 * again (recoverBlobDir).
 *
 * Every step of commit is restartable. Until its record is in `committed/`, a branch whose
 * marker is in staging is prepared at restart, and the repeated commit skips what was
 * already published. The record is kept for `committedRetentionMs`, so a repeated Commit
 * for a branch that is gone from staging (its first ack was lost) is verified against the
 * published objects rather than trusted (CommittedRecords).
 */
export class LocalBlobStore implements BlobStore {
  readonly participantId: string;
  private readonly layout: BlobLayout;
  private readonly logger: Logger;
  private readonly objectBytesMax: number;
  private readonly sweepIntervalMs: number;
  private readonly clock: Clock;
  private readonly newObjectId: () => string;
  private readonly fs: FileSystem;
  private readonly durability: BlobDurability;
  private readonly retirer: StagedNameRetirer;
  private readonly records: CommittedRecords;
  private readonly reads: BlobReads;

  private lifecycle: Lifecycle = 'new';
  private readonly branches = new Map<string, OpenBranch>();
  /**
   * Every prepared branch's manifest, as on disk: loaded by recover, added by prepare,
   * removed by commit and abort. Commit publishes from it without reading the file back.
   */
  private prepared = new Map<string, BlobManifest>();

  constructor(options: LocalBlobStoreOptions) {
    this.participantId = options.participantId ?? 'blob';
    this.layout = new BlobLayout(options.dataDir);
    this.logger = options.logger.child({ participantId: this.participantId, dataDir: this.layout.root });
    this.objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
    const committedRetentionMs = options.committedRetentionMs ?? limits.blobCommittedRetentionMs;
    this.sweepIntervalMs = options.sweepIntervalMs ?? limits.blobCommittedSweepIntervalMs;
    this.clock = options.clock ?? systemClock;
    this.newObjectId = options.newObjectId ?? (() => randomBytes(16).toString('hex'));
    this.fs = options.fs ?? nodeFileSystem;
    for (const [name, value] of Object.entries({ objectBytesMax: this.objectBytesMax, committedRetentionMs, sweepIntervalMs: this.sweepIntervalMs })) {
      assert(Number.isSafeInteger(value) && value > 0, `${name} is a positive integer`);
    }
    this.durability = new BlobDurability(this.fs, this.layout, options.onFatal ?? stopProcess(this.logger));
    this.retirer = new StagedNameRetirer(this.fs, this.layout, this.durability, this.logger);
    this.records = new CommittedRecords(this.fs, this.layout, this.durability, this.retirer, this.clock, committedRetentionMs, this.participantId, this.logger);
    this.reads = new BlobReads(this.fs, this.layout);
  }

  async recover(): Promise<RecoveryResult> {
    assert(this.lifecycle === 'new', 'recover() is called once, first');
    this.lifecycle = 'recovering';
    const recovered = await recoverBlobDir({ fs: this.fs, layout: this.layout, durability: this.durability, participantId: this.participantId, logger: this.logger });
    this.prepared = new Map(recovered.prepared);
    this.records.startSweeping(this.sweepIntervalMs);
    this.lifecycle = 'ready';
    return recovered.result;
  }

  /** See BlobStore.put. A `.partial` file holds the bytes while they arrive. */
  async put(txId: string, source: AsyncIterable<Uint8Array>, expected: PutExpectation = {}): Promise<PutResult> {
    this.assertRecovered();
    checkTxId(txId);
    if (expected.sha256 !== undefined && !isSha256Hex(expected.sha256)) {
      throw new InvalidInputError('expected sha256', `${JSON.stringify(expected.sha256.slice(0, 80))} is not 64 lower-case hex digits`);
    }
    if (expected.size !== undefined) {
      if (!Number.isSafeInteger(expected.size) || expected.size < 0) {
        throw new InvalidInputError('expected size', `${expected.size} is not a byte count`);
      }
      if (expected.size > this.objectBytesMax) {
        throw new LimitExceededError(`an object of ${expected.size} bytes is over the limit of ${this.objectBytesMax}`, { scope: 'request' });
      }
    }
    await this.openBranch(txId);
    const file = `${this.newObjectId()}.data`;
    const receiving = this.layout.receiving(txId, file);
    // A Put cut short leaves at most a `.partial` file, which nothing publishes and
    // recovery deletes; only a complete, durable object gets the name that says what it is.
    let received: PutResult;
    try {
      received = await receiveObject(this.fs, this.durability, txId, receiving, source, expected, this.objectBytesMax);
    } catch (err) {
      await this.fs.rm(receiving, { force: true }).catch((rmErr: unknown) =>
        this.logger.warn({ err: rmErr, txId, receiving }, 'could not remove a partial staged file'),
      );
      if (err instanceof ChecksumMismatchError) {
        const before = this.branches.get(txId);
        this.branches.set(txId, { kind: 'poisoned', reason: err.message.slice(0, limits.reasonLengthMax), objects: before?.objects ?? [] });
        this.logger.warn({ err, txId }, 'staged bytes do not match; the branch will vote no');
      }
      throw err;
    }
    blobBytesStaged.inc(received.size);
    // not fsynced here: prepare's fsync of the staging directory makes the name durable.
    // This and the other name changes below are run synchronously: they wait for no
    // device, and a round trip through the thread pool costs more than the syscall.
    await this.addStaged(txId, { file, ...received }, (staged) => this.fs.renameSync(receiving, staged));
    return received;
  }

  /**
   * Stages `file`, whose bytes are durable and will not change again (a complete
   * resumable upload under the same data directory), as a new object of the branch of
   * `txId`, by a second name rather than a copy: the prepare's fsync of the staging
   * directory makes that name durable, as for a Put. The file's own name stays; an abort
   * removes only the staged one.
   */
  async adopt(txId: string, file: string, expected: { readonly sha256: string; readonly size: number }): Promise<PutResult> {
    this.assertRecovered();
    checkTxId(txId);
    if (!isSha256Hex(expected.sha256)) throw new InvalidInputError('sha256', `${JSON.stringify(expected.sha256.slice(0, 80))} is not 64 lower-case hex digits`);
    if (expected.size > this.objectBytesMax) throw new LimitExceededError(`an object of ${expected.size} bytes is over the limit of ${this.objectBytesMax}`, { scope: 'request' });
    await this.openBranch(txId);
    await this.addStaged(txId, { file: `${this.newObjectId()}.data`, ...expected }, (staged) => this.fs.linkSync(file, staged));
    blobBytesStaged.inc(expected.size);
    return { sha256: expected.sha256, size: expected.size };
  }

  /** Gives `object` its staged name (`name`) and adds it to the branch, unless the branch changed meanwhile. */
  private async addStaged(txId: string, object: StagedObjectName, name: (staged: string) => void): Promise<void> {
    const staged = this.layout.stagedObject(txId, object);
    name(staged);
    const branch = this.branches.get(txId);
    if (branch?.kind !== 'working' || branch.objects.length >= limits.blobObjectsPerTxMax) {
      // aborted, poisoned or filled by another call while these bytes were arriving
      await this.fs.rm(staged, { force: true });
      throw new TxNotActiveError(txId, 'the branch changed while the object was being received');
    }
    branch.objects.push(object);
  }

  /**
   * Writes the branch's marker and fsyncs the staging directory: the marker and the names
   * of the branch's objects, durable, are the yes vote, and the answer comes after them.
   * The staged bytes were made durable as they were received (Put). The marker holds the
   * manifest, not fsynced: what recovery publishes comes from the durable names alone,
   * and the manifest serves only to check a repeated Commit against (CommittedRecords).
   */
  async prepare(txId: string): Promise<PrepareVote> {
    this.assertRecovered();
    checkTxId(txId);
    if (this.prepared.has(txId)) return { vote: 'yes' };
    const branch = this.branches.get(txId);
    if (branch === undefined) {
      return this.voteNo(txId, 'unknown branch: nothing is staged for this tx (never staged, aborted, or staged before a restart)');
    }
    switch (branch.kind) {
      case 'poisoned':
        return this.voteNo(txId, branch.reason);
      case 'working':
        break;
      default:
        assertNever(branch);
    }
    const objects = [...branch.objects];
    await blobFailpoints.prepareBeforeFsync.hit();
    const manifest: BlobManifest = { version: blobManifestVersion, txId, preparedAtMs: this.clock.now(), objects };
    // in the thread pool: creating a file costs about as much kernel time as its fdatasync
    // would, enough that a synchronous call here would stall every other call of the process
    await this.fs.writeFile(this.layout.prepared(txId), JSON.stringify(manifest));
    // shared by every prepare (and Put rename) since the last one began
    await this.durability.syncDir(this.layout.stagingRoot, 'blob.staging-dir.prepare');
    this.branches.delete(txId);
    this.prepared.set(txId, manifest);
    await blobFailpoints.prepareAfterManifestSync.hit();
    this.logger.debug({ txId, objects: objects.length }, 'blob branch prepared');
    return { vote: 'yes' };
  }

  /**
   * Publishes a prepared branch (see the class comment). Without a prepared manifest,
   * success is only reported when `committed/<txId>.json` shows the branch committed and
   * every object it lists is published.
   */
  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    this.assertRecovered();
    checkTxId(txId);
    const manifest = this.prepared.get(txId);
    if (manifest === undefined) {
      await this.records.verify(txId, this.branches.has(txId));
      return { alreadyCommitted: true };
    }
    await this.publish(txId, manifest);
    blobBytesPublished.inc(manifest.objects.reduce((n, o) => n + o.size, 0));
    return { alreadyCommitted: false };
  }

  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    this.assertRecovered();
    checkTxId(txId);
    if ((await statOrUndefined(this.fs, this.layout.committed(txId))) !== undefined) {
      this.logger.error({ txId }, 'abort asked for a committed branch; refused');
      throw new BranchAlreadyCommittedError(txId, this.participantId);
    }
    const branch = this.branches.get(txId);
    const objects = this.prepared.get(txId)?.objects ?? branch?.objects;
    // unknown, or a no vote already deleted everything (the branch stays only for its reason)
    if (objects === undefined || (branch?.kind === 'poisoned' && objects.length === 0)) {
      this.branches.delete(txId);
      return { alreadyAborted: true };
    }
    await blobFailpoints.abortBeforeDelete.hit();
    this.branches.delete(txId);
    this.prepared.delete(txId);
    // the marker last: until it goes, a restart finds the branch in doubt and asks again
    // (which is safe because abort runs only after the coordinator decided abort)
    for (const object of objects) await this.fs.rm(this.layout.stagedObject(txId, object), { force: true });
    await this.fs.rm(this.layout.prepared(txId), { force: true });
    // not needed for safety (a marker that comes back is aborted again), but it spares a
    // restart an in-doubt branch it would have to ask about
    await this.durability.syncDir(this.layout.stagingRoot, 'blob.staging-dir.abort');
    this.logger.debug({ txId }, 'blob branch aborted');
    return { alreadyAborted: false };
  }

  /** Stops the retention sweep and closes the directory handles; later calls still work on the files. */
  async close(): Promise<void> {
    this.lifecycle = 'closed';
    await this.records.stop();
    await this.retired();
    await this.durability.close();
  }

  /** Resolves once every committed object's staged name queued so far is retired (see the class comment). */
  retired(): Promise<void> {
    return this.retirer.retired();
  }

  stat(sha256: string): Promise<{ readonly size: number }> {
    return this.reads.stat(sha256);
  }

  get(sha256: string, range: ByteRange = {}): Promise<BlobRead> {
    return this.reads.get(sha256, range);
  }

  /** Deletes commit records older than the retention now; returns how many (see CommittedRecords.sweep). */
  sweepCommitted(): Promise<number> {
    return this.records.sweep();
  }

  private assertRecovered(): void {
    assert(this.lifecycle === 'ready' || this.lifecycle === 'closed', 'recover() resolved before any other call');
  }

  /** The working branch of `txId`, created on its first Put. */
  private async openBranch(txId: string): Promise<void> {
    if (!this.branches.has(txId)) {
      if (this.branches.size >= limits.blobOpenBranchesMax) {
        throw new LimitExceededError(`${this.branches.size} blob branches are open; the limit is ${limits.blobOpenBranchesMax}`);
      }
      if (this.prepared.has(txId)) throw new TxNotActiveError(txId, 'the blob branch is prepared and takes no more work');
      if (this.fs.statSync(this.layout.committed(txId), { throwIfNoEntry: false }) !== undefined) {
        throw new TxNotActiveError(txId, 'the blob branch is committed');
      }
      // another call of the tx may have opened it meanwhile; keep what it staged
      if (!this.branches.has(txId)) this.branches.set(txId, { kind: 'working', objects: [] });
    }
    const branch = this.branches.get(txId);
    assert(branch !== undefined, `branch ${txId} is open`);
    switch (branch.kind) {
      case 'poisoned':
        throw new TxNotActiveError(txId, `the blob branch will vote no: ${branch.reason}`);
      case 'working':
        if (branch.objects.length >= limits.blobObjectsPerTxMax) {
          throw new LimitExceededError(`transaction ${txId} staged ${branch.objects.length} objects; the limit is ${limits.blobObjectsPerTxMax}`, { scope: 'request' });
        }
        return;
      default:
        assertNever(branch);
    }
  }

  private async voteNo(txId: string, reason: string): Promise<PrepareVote> {
    // a no leaves nothing behind; a poisoned branch keeps its reason in memory for repeats
    const branch = this.branches.get(txId);
    if (branch !== undefined && branch.objects.length > 0) {
      for (const object of branch.objects) await this.fs.rm(this.layout.stagedObject(txId, object), { force: true });
      this.branches.set(txId, { kind: 'poisoned', reason, objects: [] });
    }
    this.logger.info({ txId, reason }, 'blob branch votes no');
    return { vote: 'no', reason };
  }

  private async publish(txId: string, manifest: BlobManifest): Promise<void> {
    for (const object of manifest.objects) {
      await blobFailpoints.commitBeforeRename.hit();
      await linkObject(this.fs, this.layout, this.participantId, txId, object);
      await blobFailpoints.commitAfterRename.hit();
    }
    // The links are not fsynced: every staged name stays until they are, and a crash
    // before the record is durable leaves the marker, so the branch is still prepared.
    await blobFailpoints.commitAfterPublish.hit();

    const marker = this.layout.prepared(txId);
    // Retention counts from the commit, not the prepare (a branch may sit in doubt for
    // days): the mtime is stamped with the store's clock, and the link sets the ctime,
    // which the sweep reads too. Neither is fsynced (see the README's failure semantics).
    const now = new Date(this.clock.now());
    this.fs.utimesSync(marker, now, now);
    try {
      this.fs.linkSync(marker, this.layout.committed(txId));
    } catch (err) {
      // made by an earlier attempt of this commit
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await this.durability.syncDir(this.layout.committedRoot, 'blob.committed-dir.commit');
    this.prepared.delete(txId);
    this.branches.delete(txId);
    // the record is durable: the marker may go, synced or not
    this.fs.unlinkSync(marker);
    this.retirer.retire(txId, manifest.objects);
    this.logger.debug({ txId, objects: manifest.objects.length }, 'blob branch committed');
  }
}

function checkTxId(txId: string): void {
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw new InvalidInputError('tx id', problem);
}
