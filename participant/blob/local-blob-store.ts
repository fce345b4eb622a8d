import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { assert, assertNever } from '../../lib/assert/assert.js';
import type { FileStats, FileSystem, FileSystemHandle } from '../../lib/fs/file-system.js';
import { nodeFileSystem } from '../../lib/fs/node-file-system.js';
import { GroupSync } from '../../lib/group-sync/group-sync.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { fsyncs } from '../../lib/metrics/metrics.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import {
  BranchNotCommittedError,
  ChecksumMismatchError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  TxNotActiveError,
} from '../participant-errors.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../resource-manager.js';
import { BranchAlreadyCommittedError } from './branch-already-committed-error.js';
import { blobFailpoints } from './blob-failpoints.js';
import { BlobLayout, type StagedObjectName } from './blob-layout.js';
import { type BlobManifest, blobManifestSchema } from './blob-manifest.js';
import { BlobStoreFatalError } from './blob-store-fatal-error.js';
import { isSha256Hex } from './is-sha256-hex.js';
import { ManifestCorruptError } from './manifest-corrupt-error.js';
import { RangeNotSatisfiableError } from './range-not-satisfiable-error.js';

/**
 * Every durability call of the store, one name per call site (see `SyncSite`): a simulated
 * disk that ignores one of them shows what the store would lose without it.
 */
export const blobStoreSyncSites = [
  /** Put: the received bytes, before the file gets the name that says what it is. */
  'blob.staged.fdatasync',
  /** Prepare: staging/, so the marker and the staged names are durable: the yes vote. */
  'blob.staging-dir.prepare',
  /** Commit: committed/, so the commit record is durable before the marker goes and the ack. */
  'blob.committed-dir.commit',
  /** After commit: an object directory, so the links are durable before the staged names go. */
  'blob.object-dir.retire',
  /** Abort: staging/, so the removed marker does not come back in doubt after a restart. */
  'blob.staging-dir.abort',
  /** A repeated Commit verified: committed/ and the object directories, before its ack. */
  'blob.verify-commit',
  /** Recover: the data dir, after staging/, objects/ and committed/ were created in it. */
  'blob.root-dir.recover',
  /** Recover: objects/, after object directories were created in it. */
  'blob.objects-root.recover',
  /** Recover: staging/, after a branch of the earlier layout got its flat names, before its old directory goes. */
  'blob.staging-dir.migrate',
  /** Recover: committed/, so every record seen is durable before what it vouches for is removed. */
  'blob.committed-dir.recover',
  /** Recover: every object directory, so the links are durable before the staged names of committed branches go. */
  'blob.object-dir.recover',
  /** Recover: staging/, after leftovers and the names of finished commits were removed. */
  'blob.staging-dir.recover',
  /** Sweep: every object directory, before the records that vouch for staged names go. */
  'blob.object-dir.sweep',
  /** Sweep: staging/, before the records that vouch for removed markers and names go. */
  'blob.staging-dir.sweep',
] as const;

export type BlobStoreSyncSite = (typeof blobStoreSyncSites)[number];

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
  /** The clock (Unix ms): stamps manifests and commit records, and drives retention. Default `Date.now`. */
  readonly nowMs?: () => number;
  /**
   * Told, once per failure, that an fsync failed. Default: log it and exit the process with
   * status 70 (fsyncgate: retrying an fsync in-process cannot be trusted).
   */
  readonly onFatal?: (err: BlobStoreFatalError) => void;
}

/** What the bytes of a `put` must be; an absent field is not checked. */
export interface PutExpectation {
  /** Lower-case hex SHA-256. */
  readonly sha256?: string;
  readonly size?: number;
}

export interface PutResult {
  /** Lower-case hex SHA-256 of the bytes received. */
  readonly sha256: string;
  readonly size: number;
}

/** Bytes `[offset, offset + length)` of an object; by default all of it. */
export interface ByteRange {
  readonly offset?: number;
  /** Absent: to the end of the object. */
  readonly length?: number;
}

export interface BlobRead {
  readonly objectSize: number;
  readonly offset: number;
  readonly length: number;
  /**
   * The bytes of the range, in chunks of at most `limits.blobGetChunkBytesMax`. Holds an
   * open file until it ends or is destroyed: consume it or destroy it.
   */
  readonly chunks: Readable;
}

type StagedObject = StagedObjectName;

/**
 * An unprepared branch, in memory only: unprepared work does not survive a restart (recover
 * deletes it, since the coordinator presumes it aborted), so neither need this. `objects`
 * are the staged files it holds, which a no vote or an abort deletes.
 */
type OpenBranch =
  | { readonly kind: 'working'; readonly objects: StagedObject[] }
  /** A Put of this branch failed its checksum; the branch can only vote no. */
  | { readonly kind: 'poisoned'; readonly reason: string; readonly objects: StagedObject[] };

type Lifecycle =
  | { readonly kind: 'new' }
  | { readonly kind: 'recovering' }
  | { readonly kind: 'ready'; readonly sweeper: NodeJS.Timeout }
  | { readonly kind: 'closed' };

const manifestVersion = 1;

/**
 * The blob participant's resource manager over a local directory (layout: BlobLayout).
 * A Put's bytes are made durable as they finish arriving (fdatasync) and the file is then
 * named by its size and digest; prepare adds the branch's marker, and one fsync of the
 * staging directory, shared by every tx preparing meanwhile, makes names and marker
 * durable: that is the yes vote. Commit publishes by rename into a content-addressed tree
 * and moves the marker to `committed/`; reads only ever see published objects.
 *
 * Publishing adds names and removes none until the new ones are durable, because other
 * txs fsync `staging/` at any moment: a rename out of it could become durable at the
 * source and not at the destination. So commit hard-links each staged file into
 * `objects/<aa>/` and its marker into `committed/`, fsyncs only `committed/` (shared),
 * and answers; the marker's name goes at once (the record is durable), each staged
 * object's name only after an fsync of its object directory that began after its link,
 * done in the background for every tx committed meanwhile. A crash before that leaves the
 * staged names beside a commit record, and recovery links them again.
 *
 * Every step of commit is restartable. Until its record is in `committed/`, a branch whose
 * marker is in staging is prepared at restart, and the repeated commit skips what was
 * already published. The record is kept for `committedRetentionMs`, so a repeated Commit
 * for a branch that is gone from staging (its first ack was lost) is verified against the
 * published objects rather than trusted; before records are swept, every object directory
 * and `staging/` are fsynced, so no staged name or marker they vouch for can come back.
 */
export class LocalBlobStore implements ResourceManager {
  readonly participantId: string;
  private readonly layout: BlobLayout;
  private readonly logger: Logger;
  private readonly objectBytesMax: number;
  private readonly committedRetentionMs: number;
  private readonly sweepIntervalMs: number;
  private readonly nowMs: () => number;
  private readonly onFatal: (err: BlobStoreFatalError) => void;
  private readonly fs: FileSystem;

  private lifecycle: Lifecycle = { kind: 'new' };
  private readonly branches = new Map<string, OpenBranch>();
  /**
   * Every prepared branch's manifest, as on disk: loaded by recover, added by prepare,
   * removed by commit and abort. Commit publishes from it without reading the file back.
   */
  private readonly prepared = new Map<string, BlobManifest>();
  /** Directory fsyncs shared by concurrent prepares and commits (group commit per directory). */
  private readonly dirSyncs = new GroupSync((dir, sites) => this.syncDirNow(dir, sites));
  /** Each directory it fsyncs, opened once (staging/, committed/, the object directories). */
  private readonly dirHandles = new Map<string, Promise<FileSystemHandle>>();
  private sweeping: Promise<void> | undefined;
  /** Staged names of committed objects, unlinked once an fsync of their object directory began after the link. */
  private retireQueue: { readonly txId: string; readonly object: StagedObject }[] = [];
  private retiring: Promise<void> | undefined;

  constructor(options: LocalBlobStoreOptions) {
    this.participantId = options.participantId ?? 'blob';
    this.layout = new BlobLayout(options.dataDir);
    this.logger = options.logger.child({ participantId: this.participantId, dataDir: this.layout.root });
    this.objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
    this.committedRetentionMs = options.committedRetentionMs ?? limits.blobCommittedRetentionMs;
    this.sweepIntervalMs = options.sweepIntervalMs ?? limits.blobCommittedSweepIntervalMs;
    this.nowMs = options.nowMs ?? Date.now;
    this.onFatal = options.onFatal ?? stopProcess(this.logger);
    this.fs = options.fs ?? nodeFileSystem;
    for (const [name, value] of Object.entries({
      objectBytesMax: this.objectBytesMax,
      committedRetentionMs: this.committedRetentionMs,
      sweepIntervalMs: this.sweepIntervalMs,
    })) {
      assert(Number.isSafeInteger(value) && value > 0, `${name} is a positive integer`);
    }
  }

  async recover(): Promise<RecoveryResult> {
    assert(this.lifecycle.kind === 'new', 'recover() is called once, first');
    this.lifecycle = { kind: 'recovering' };
    for (const dir of [this.layout.stagingRoot, this.layout.objectsRoot, this.layout.committedRoot]) {
      await this.fs.mkdir(dir, { recursive: true });
    }
    await this.syncDir(this.layout.root, 'blob.root-dir.recover');
    await this.checkHardLinks();
    // every object directory exists from here on, durably, so no commit creates or syncs one
    let createdObjectDirs = false;
    for (const dir of this.layout.objectDirs()) {
      if ((await this.fs.mkdir(dir, { recursive: true })) !== undefined) createdObjectDirs = true;
    }
    if (createdObjectDirs) await this.syncDir(this.layout.objectsRoot, 'blob.objects-root.recover');

    await this.migrateLegacyStaging();
    const found = new Map<string, { marker: boolean; objects: StagedObject[]; leftovers: string[] }>();
    const of = (txId: string) => {
      let tx = found.get(txId);
      if (tx === undefined) found.set(txId, (tx = { marker: false, objects: [], leftovers: [] }));
      return tx;
    };
    for await (const entry of await this.fs.opendir(this.layout.stagingRoot)) {
      const parsed = BlobLayout.parseStagingEntry(entry.name, entry.isDirectory());
      const file = path.join(this.layout.stagingRoot, entry.name);
      switch (parsed.kind) {
        case 'object':
          of(parsed.txId).objects.push(parsed.object);
          break;
        case 'prepared':
          of(parsed.txId).marker = true;
          break;
        case 'receiving':
          of(parsed.txId).leftovers.push(file);
          break;
        case 'legacy-dir':
        case 'unknown':
          // another version's, or an operator's: not ours to delete
          this.logger.warn({ file }, 'left alone an entry of staging/ that this version does not write');
          break;
        default:
          assertNever(parsed);
      }
    }

    // A record seen now may be one a killed commit never fsynced: durable before anything
    // it vouches for (a marker, a staged name) is removed.
    await this.syncDir(this.layout.committedRoot, 'blob.committed-dir.recover');
    const prepared: { txId: string; preparedAtMs: number }[] = [];
    const committedNames: string[] = [];
    let abortedLeftovers = 0;
    let finishedCommits = 0;
    for (const [txId, tx] of found) {
      for (const leftover of tx.leftovers) await this.fs.rm(leftover, { force: true });
      // synchronous: one metadata lookup per recovered tx, no thread-pool round trip each
      const record = this.fs.statSync(this.layout.committed(txId), { throwIfNoEntry: false });
      if (record !== undefined) {
        // committed: a staged name left is a link not yet retired, or one a crash undid
        for (const object of tx.objects) {
          await this.linkObject(txId, object);
          committedNames.push(this.layout.stagedObject(txId, object));
        }
        if (tx.marker) committedNames.push(this.layout.prepared(txId));
        finishedCommits++;
        continue;
      }
      if (tx.marker) {
        const written = await this.readManifestLenient(this.layout.prepared(txId), txId);
        const preparedAtMs = written?.preparedAtMs ?? Math.trunc((await this.fs.stat(this.layout.prepared(txId))).mtimeMs);
        const manifest: BlobManifest = { version: manifestVersion, txId, preparedAtMs, objects: tx.objects };
        this.checkPreparedObjects(txId, tx.objects, written);
        prepared.push({ txId, preparedAtMs: manifest.preparedAtMs });
        this.prepared.set(txId, manifest);
        continue;
      }
      for (const object of tx.objects) await this.fs.rm(this.layout.stagedObject(txId, object), { force: true });
      abortedLeftovers++;
      this.logger.info({ txId }, 'aborted unprepared staged work left from before the restart');
    }
    // the links durable first, then the names they replace may go
    await this.syncObjectDirs('blob.object-dir.recover');
    for (const name of committedNames) await this.fs.rm(name, { force: true });
    await this.syncDir(this.layout.stagingRoot, 'blob.staging-dir.recover');

    // a participant that restarts more often than the interval must still sweep
    this.startSweep();
    const sweeper = setInterval(() => this.startSweep(), this.sweepIntervalMs);
    sweeper.unref();
    this.lifecycle = { kind: 'ready', sweeper };
    this.logger.info({ prepared: prepared.length, abortedLeftovers, finishedCommits }, 'blob store recovered');
    return { prepared, abortedLeftovers };
  }

  /**
   * Streams `source` into a new staged file of the branch of `txId`, in constant memory,
   * hashing as it goes. Fails with `LimitExceededError` past the object size limit (or
   * when the disk is full) and with `ChecksumMismatchError` when the bytes are not the
   * expected ones; either way nothing of this object is kept, and after a mismatch the
   * branch votes no. A prepared or committed branch takes no more work (`TxNotActiveError`).
   * The caller (BranchWork) has enlisted the participant and serializes calls of one tx.
   */
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
    const file = `${randomBytes(16).toString('hex')}.data`;
    const receiving = this.layout.receiving(txId, file);
    // A Put cut short leaves at most a `.partial` file, which nothing publishes and
    // recovery deletes; only a complete, durable object gets the name that says what it is.
    let received: PutResult;
    try {
      received = await this.receive(txId, receiving, source, expected);
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
    const object: StagedObject = { file, ...received };
    const staged = this.layout.stagedObject(txId, object);
    // not fsynced here: prepare's fsync of the staging directory makes the name durable.
    // This and the other name changes below are run synchronously: they wait for no
    // device, and a round trip through the thread pool costs more than the syscall.
    this.fs.renameSync(receiving, staged);
    const branch = this.branches.get(txId);
    if (branch?.kind !== 'working' || branch.objects.length >= limits.blobObjectsPerTxMax) {
      // aborted, poisoned or filled by another call while these bytes were arriving
      await this.fs.rm(staged, { force: true });
      throw new TxNotActiveError(txId, 'the branch changed while the object was being received');
    }
    branch.objects.push(object);
    return received;
  }

  /**
   * Writes the branch's marker and fsyncs the staging directory: the marker and the names
   * of the branch's objects, durable, are the yes vote, and the answer comes after them.
   * The staged bytes were made durable as they were received (Put). The marker holds the
   * manifest, not fsynced: what recovery publishes comes from the durable names alone,
   * and the manifest serves only to check a repeated Commit against (see verifyCommitted).
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
    const manifest: BlobManifest = { version: manifestVersion, txId, preparedAtMs: this.nowMs(), objects };
    // in the thread pool: creating a file costs about as much kernel time as its fdatasync
    // would, enough that a synchronous call here would stall every other call of the process
    await this.fs.writeFile(this.layout.prepared(txId), JSON.stringify(manifest));
    // shared by every prepare (and Put rename) since the last one began
    await this.syncDir(this.layout.stagingRoot, 'blob.staging-dir.prepare');
    this.branches.delete(txId);
    this.prepared.set(txId, manifest);
    await blobFailpoints.prepareAfterManifestSync.hit();
    this.logger.debug({ txId, objects: objects.length }, 'blob branch prepared');
    return { vote: 'yes' };
  }

  /**
   * Publishes a prepared branch: each staged object is renamed to `objects/<aa>/<sha256>`
   * (identical content already there is simply replaced by itself), the object directories
   * are fsynced, the manifest moves to `committed/` and the staging directory goes. Without
   * a prepared manifest, success is only reported when `committed/<txId>.json` shows the
   * branch committed and every object it lists is published.
   */
  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    this.assertRecovered();
    checkTxId(txId);
    const manifest = this.prepared.get(txId);
    if (manifest === undefined) {
      await this.verifyCommitted(txId);
      return { alreadyCommitted: true };
    }
    await this.publish(txId, manifest);
    return { alreadyCommitted: false };
  }

  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    this.assertRecovered();
    checkTxId(txId);
    if ((await this.statOrUndefined(this.layout.committed(txId))) !== undefined) {
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
    await this.syncDir(this.layout.stagingRoot, 'blob.staging-dir.abort');
    this.logger.debug({ txId }, 'blob branch aborted');
    return { alreadyAborted: false };
  }

  /** Stops the retention sweep and closes the directory handles; later calls still work on the files. */
  async close(): Promise<void> {
    if (this.lifecycle.kind === 'ready') clearInterval(this.lifecycle.sweeper);
    this.lifecycle = { kind: 'closed' };
    await this.sweeping;
    await this.retired();
    const handles = [...this.dirHandles.values()];
    this.dirHandles.clear();
    await Promise.all(handles.map((h) => h.then((handle) => handle.close()).catch(() => undefined)));
  }

  /** Resolves once every committed object's staged name queued so far is retired (see the class comment). */
  async retired(): Promise<void> {
    while (this.retiring !== undefined) await this.retiring;
  }

  /** Size of a published object. `NotFoundError` if it is not published. */
  async stat(sha256: string): Promise<{ readonly size: number }> {
    checkSha256(sha256);
    const found = await this.statOrUndefined(this.layout.object(sha256));
    if (found === undefined) throw new NotFoundError(`object ${sha256} not found`);
    return { size: found.size };
  }

  /**
   * Opens a published object for reading, whole or a range. `NotFoundError` if it is not
   * published; `RangeNotSatisfiableError` if the range reaches past its end (a range that
   * starts at the end is empty, not an error).
   */
  async get(sha256: string, range: ByteRange = {}): Promise<BlobRead> {
    checkSha256(sha256);
    const offset = range.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError('offset', `${offset} is not a byte offset`);
    if (range.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 0)) {
      throw new InvalidInputError('length', `${range.length} is not a byte count`);
    }
    let handle: FileSystemHandle;
    try {
      handle = await this.fs.open(this.layout.object(sha256), 'r');
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`object ${sha256} not found`);
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const length = range.length ?? Math.max(0, size - offset);
      if (offset > size || offset + length > size) throw new RangeNotSatisfiableError(sha256, offset, length, size);
      if (length === 0) {
        await handle.close();
        return { objectSize: size, offset, length, chunks: Readable.from([]) };
      }
      const chunks = readStream(handle, offset, length, limits.blobGetChunkBytesMax);
      return { objectSize: size, offset, length, chunks };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Deletes commit records older than the retention; returns how many. A record is only
   * needed until the coordinator has the ack of its Commit, which takes seconds; the long
   * retention covers a coordinator that is down meanwhile.
   */
  async sweepCommitted(): Promise<number> {
    const cutoffMs = this.nowMs() - this.committedRetentionMs;
    const expired: string[] = [];
    for await (const entry of await this.fs.opendir(this.layout.committedRoot)) {
      if (!entry.name.endsWith('.json')) continue;
      const file = path.join(this.layout.committedRoot, entry.name);
      const found = await this.statOrUndefined(file);
      // the later of the commit's stamp and its rename (see publish)
      if (found !== undefined && Math.max(found.mtimeMs, found.ctimeMs) < cutoffMs) expired.push(file);
    }
    if (expired.length === 0) return 0;
    // A record is what makes a staged name or marker left after a crash read as committed:
    // the links into objects/ and the removals from staging/ it vouches for, all older
    // than the record, are made durable before it goes.
    await this.retired();
    await this.syncObjectDirs('blob.object-dir.sweep');
    await this.syncDir(this.layout.stagingRoot, 'blob.staging-dir.sweep');
    let removed = 0;
    for (const file of expired) {
      // no fsync: a record that comes back after a crash is merely swept again
      await this.fs.rm(file, { force: true });
      removed++;
    }
    if (removed > 0) this.logger.info({ removed }, 'swept expired commit records');
    return removed;
  }

  private startSweep(): void {
    if (this.sweeping !== undefined) return;
    this.sweeping = this.sweepCommitted()
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'sweep of commit records failed; the next one retries'),
      )
      .finally(() => (this.sweeping = undefined));
  }

  private assertRecovered(): void {
    assert(this.lifecycle.kind === 'ready' || this.lifecycle.kind === 'closed', 'recover() resolved before any other call');
  }

  /** The working branch of `txId`, created (with its staging directory) on its first Put. */
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

  private async receive(txId: string, file: string, source: AsyncIterable<Uint8Array>, expected: PutExpectation): Promise<PutResult> {
    const hash = createHash('sha256');
    let size = 0;
    const handle = await this.fs.open(file, 'wx');
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > this.objectBytesMax) throw new LimitExceededError(`object is over the limit of ${this.objectBytesMax} bytes`, { scope: 'request' });
        // fail as soon as the size is wrong: the rest of the stream cannot fix it
        if (expected.size !== undefined && size > expected.size) {
          throw new ChecksumMismatchError(txId, `received more than the expected ${expected.size} bytes`);
        }
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      // durable now, while the rest of the tx goes on, so that prepare only writes the manifest
      await this.durable('blob-data', file, () => handle.datasync('blob.staged.fdatasync'));
    } catch (err) {
      if (isDiskFull(err)) throw new LimitExceededError('no space left on the blob store disk', { cause: err });
      throw err;
    } finally {
      await handle.close();
    }
    const sha256 = hash.digest('hex');
    if (expected.size !== undefined && size !== expected.size) {
      throw new ChecksumMismatchError(txId, `received ${size} bytes, expected ${expected.size}`);
    }
    if (expected.sha256 !== undefined && sha256 !== expected.sha256) {
      throw new ChecksumMismatchError(txId, `received bytes have sha256 ${sha256}, expected ${expected.sha256}`);
    }
    return { sha256, size };
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
      await this.linkObject(txId, object);
      await blobFailpoints.commitAfterRename.hit();
    }
    // The links are not fsynced: every staged name stays until they are, and a crash
    // before the record is durable leaves the marker, so the branch is still prepared.
    await blobFailpoints.commitAfterPublish.hit();

    const marker = this.layout.prepared(txId);
    // Retention counts from the commit, not the prepare (a branch may sit in doubt for
    // days): the mtime is stamped with the store's clock, and the link sets the ctime,
    // which the sweep reads too. Neither is fsynced (see the README's failure semantics).
    const now = new Date(this.nowMs());
    this.fs.utimesSync(marker, now, now);
    try {
      this.fs.linkSync(marker, this.layout.committed(txId));
    } catch (err) {
      // made by an earlier attempt of this commit
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await this.syncDir(this.layout.committedRoot, 'blob.committed-dir.commit');
    this.prepared.delete(txId);
    this.branches.delete(txId);
    // the record is durable: the marker may go, synced or not
    this.fs.unlinkSync(marker);
    for (const object of manifest.objects) this.retireQueue.push({ txId, object });
    this.startRetiring();
    this.logger.debug({ txId, objects: manifest.objects.length }, 'blob branch committed');
  }

  /** Publishes a staged object by a second name in objects/ (identical content already there is kept). */
  private async linkObject(txId: string, object: StagedObject): Promise<void> {
    const staged = this.layout.stagedObject(txId, object);
    const target = this.layout.object(object.sha256);
    try {
      this.fs.linkSync(staged, target);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && !isMissing(err)) throw err;
    }
    // already there: deduplicated, or linked by an earlier attempt of this commit
    if ((await this.statOrUndefined(target))?.size === object.size) return;
    throw new BranchNotCommittedError(txId, this.participantId, `staged object ${object.file} (${object.sha256}) is gone and was never published`);
  }

  /**
   * Unlinks the staged names of committed objects, in batches: one fsync per object
   * directory touched (started after every link of the batch), then the unlinks. Runs in
   * the background; a failed fsync stops the process (see durable).
   */
  private startRetiring(): void {
    if (this.retiring !== undefined) return;
    this.retiring = (async () => {
      while (this.retireQueue.length > 0) {
        const batch = this.retireQueue;
        this.retireQueue = [];
        await blobFailpoints.beforeRetire.hit();
        const dirs = new Set(batch.map(({ object }) => this.layout.objectDir(object.sha256)));
        await Promise.all([...dirs].map((dir) => this.syncDir(dir, 'blob.object-dir.retire')));
        for (const { txId, object } of batch) await this.fs.rm(this.layout.stagedObject(txId, object), { force: true });
      }
    })()
      .catch((err: unknown) => this.logger.error({ err }, 'retiring staged names of committed objects failed; a restart retires them'))
      .finally(() => (this.retiring = undefined));
  }

  /**
   * A recovered prepared branch's objects, from the durable names, against the manifest
   * its marker holds (read once; not fsynced, so it may be missing; its preparedAtMs falls
   * back to the marker's mtime): an object the manifest lists that
   * is neither staged nor published was lost outside the protocol, and is logged loudly.
   */
  private checkPreparedObjects(txId: string, staged: readonly StagedObject[], manifest: BlobManifest | undefined): void {
    for (const object of manifest?.objects ?? []) {
      if (staged.some((o) => o.file === object.file)) continue;
      if (this.fs.statSync(this.layout.object(object.sha256), { throwIfNoEntry: false })?.size === object.size) continue;
      this.logger.error({ txId, object }, 'a prepared branch lost a staged object its manifest lists');
    }
  }

  /** Commit publishes by hard link: a file system without them is refused at start, not at the first commit. */
  private async checkHardLinks(): Promise<void> {
    const probe = path.join(this.layout.root, '.link-probe');
    await this.fs.rm(probe, { force: true });
    await this.fs.rm(`${probe}.2`, { force: true });
    await this.fs.writeFile(probe, '');
    try {
      await this.fs.link(probe, `${probe}.2`);
    } catch (err) {
      throw new Error(
        `the blob data dir ${this.layout.root} does not support hard links (${(err as NodeJS.ErrnoException).code ?? String(err)}), which commit needs: put it on a local ext4, xfs or btrfs`,
        { cause: err },
      );
    } finally {
      await this.fs.rm(probe, { force: true });
      await this.fs.rm(`${probe}.2`, { force: true });
    }
  }

  /** Fsyncs every object directory (they are few and fixed): each rename into them before this call is durable after it. */
  private async syncObjectDirs(site: BlobStoreSyncSite): Promise<void> {
    await Promise.all(this.layout.objectDirs().map((dir) => this.syncDir(dir, site)));
  }

  /** Fsyncs `dir`, in a run shared with every caller (of any site) meanwhile: see GroupSync. */
  private syncDir(dir: string, site: BlobStoreSyncSite): Promise<void> {
    return this.dirSyncs.sync(dir, site);
  }

  /**
   * Moves the branches of the earlier layout (`staging/<txId>/` with `MANIFEST.json` once
   * prepared) into the flat one, restartably: each file is linked to its flat name, then
   * the marker is written and fsynced with the directory, then the old directory goes.
   * Without a manifest the directory is unprepared work and is deleted; beside a commit
   * record it is a commit that had not finished, and its objects are published.
   */
  private async migrateLegacyStaging(): Promise<void> {
    for await (const entry of await this.fs.opendir(this.layout.stagingRoot)) {
      const parsed = BlobLayout.parseStagingEntry(entry.name, entry.isDirectory());
      if (parsed.kind !== 'legacy-dir') continue;
      const { txId } = parsed;
      const dir = this.layout.legacyStagingDir(txId);
      const manifest =
        (await this.readManifestFile(path.join(dir, 'MANIFEST.json'), txId)) ??
        (await this.readManifestLenient(this.layout.committed(txId), txId));
      if (manifest !== undefined) {
        for (const object of manifest.objects) {
          try {
            // a new name first; the old directory goes once staging/ is fsynced
            await this.fs.link(path.join(dir, object.file), this.layout.stagedObject(txId, object));
          } catch (err) {
            // linked by an earlier, interrupted migration (or published and gone)
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && !isMissing(err)) throw err;
          }
        }
        const committed = (await this.statOrUndefined(this.layout.committed(txId))) !== undefined;
        if (!committed) await this.fs.writeFile(this.layout.prepared(txId), JSON.stringify(manifest));
        await this.syncDir(this.layout.stagingRoot, 'blob.staging-dir.migrate');
        this.logger.info({ txId, committed }, 'moved a branch of the earlier staging layout to the flat one');
      }
      await this.fs.rm(dir, { recursive: true, force: true });
    }
  }

  private async verifyCommitted(txId: string): Promise<void> {
    const recordPath = this.layout.committed(txId);
    if ((await this.statOrUndefined(recordPath)) === undefined) {
      const staged = this.branches.has(txId);
      throw new BranchNotCommittedError(
        txId,
        this.participantId,
        staged
          ? 'the branch never prepared (staged work without a marker)'
          : 'no staged work and no commit record (never prepared, aborted, or the record passed its retention)',
      );
    }
    const record = await this.readManifestLenient(recordPath, txId);
    if (record === undefined) {
      // the manifest in a record is written without fsync: a crash may have emptied it
      this.logger.warn({ txId, recordPath }, 'commit record without a readable manifest; its objects cannot be checked');
    }
    for (const object of record?.objects ?? []) {
      const found = await this.statOrUndefined(this.layout.object(object.sha256));
      if (found?.size !== object.size) {
        throw new BranchNotCommittedError(txId, this.participantId, `object ${object.sha256} listed in ${recordPath} is not published`);
      }
    }
    // the commit that wrote the record may have died before syncing it, or its links: ack only what is durable
    const dirs = [this.layout.committedRoot, ...new Set((record?.objects ?? []).map((o) => this.layout.objectDir(o.sha256)))];
    await Promise.all(dirs.map((dir) => this.syncDir(dir, 'blob.verify-commit')));
    this.logger.info({ txId, objects: record?.objects.length }, 'blob branch was already committed (verified)');
  }

  /** A manifest written without fsync: undefined when missing, empty, torn or not this tx's. */
  private async readManifestLenient(file: string, txId: string): Promise<BlobManifest | undefined> {
    try {
      return await this.readManifestFile(file, txId);
    } catch (err) {
      if (err instanceof ManifestCorruptError) return undefined;
      throw err;
    }
  }

  private async readManifestFile(file: string, txId: string): Promise<BlobManifest | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(file, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ManifestCorruptError(file, 'not JSON', { cause: err });
    }
    const parsed = blobManifestSchema.safeParse(json);
    if (!parsed.success) throw new ManifestCorruptError(file, parsed.error.message);
    if (parsed.data.txId !== txId) throw new ManifestCorruptError(file, `names tx ${parsed.data.txId}`);
    return parsed.data;
  }

  private async syncDirNow(dir: string, sites: readonly string[]): Promise<void> {
    if (this.lifecycle.kind === 'closed') {
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

  private async statOrUndefined(file: string): Promise<FileStats | undefined> {
    try {
      return await this.fs.stat(file);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
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

function checkTxId(txId: string): void {
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw new InvalidInputError('tx id', problem);
}

function checkSha256(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new InvalidInputError('sha256', `${JSON.stringify(sha256.slice(0, 80))} is not 64 lower-case hex digits`);
}

async function writeAll(handle: FileSystemHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    assert(bytesWritten > 0, 'a write to a regular file makes progress');
    offset += bytesWritten;
  }
}

/**
 * Bytes `[start, start + length)` of an open file, read in chunks of `chunkBytesMax` as they
 * are consumed. The stream owns the handle: it closes it when it ends or is destroyed. A
 * file found shorter than `length` ends the stream early.
 */
function readStream(handle: FileSystemHandle, start: number, length: number, chunkBytesMax: number): Readable {
  let position = start;
  const end = start + length;
  return new Readable({
    highWaterMark: chunkBytesMax,
    read() {
      const want = Math.min(chunkBytesMax, end - position);
      if (want === 0) {
        this.push(null);
        return;
      }
      const chunk = Buffer.allocUnsafe(want);
      handle.read(chunk, 0, want, position).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            this.push(null);
            return;
          }
          position += bytesRead;
          this.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
        },
        (err: unknown) => this.destroy(err as Error),
      );
    },
    destroy(err, callback) {
      handle.close().then(
        () => callback(err),
        (closeErr: unknown) => callback(err ?? (closeErr as Error)),
      );
    },
  });
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function stopProcess(logger: Logger): (err: BlobStoreFatalError) => void {
  return (err) => {
    logger.fatal({ err }, 'blob store fsync failed; exiting so that a restart sees what reached the disk');
    // 70 is EX_SOFTWARE (sysexits.h): the supervisor restarts us; a retry in-process cannot be trusted.
    process.exit(70);
  };
}
