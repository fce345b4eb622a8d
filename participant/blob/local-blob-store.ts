import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, opendir, readFile, rename, rm, rmdir, stat, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { assert, assertNever } from '../../lib/assert/assert.js';
import { GroupSync } from '../../lib/group-sync/group-sync.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { fsyncs } from '../../lib/metrics/metrics.js';
import { isValidTxId, txIdProblem } from '../../lib/tx-id/tx-id.js';
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
import { BlobLayout } from './blob-layout.js';
import { type BlobManifest, blobManifestSchema } from './blob-manifest.js';
import { BlobStoreFatalError } from './blob-store-fatal-error.js';
import { isSha256Hex } from './is-sha256-hex.js';
import { ManifestCorruptError } from './manifest-corrupt-error.js';
import { RangeNotSatisfiableError } from './range-not-satisfiable-error.js';

export interface LocalBlobStoreOptions {
  /** Directory holding `staging/`, `objects/` and `committed/`; created if missing. One store per directory. */
  readonly dataDir: string;
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

interface StagedObject {
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * An unprepared branch, in memory only: unprepared work does not survive a restart (recover
 * deletes it, since the coordinator presumes it aborted), so neither need this.
 */
type OpenBranch =
  | { readonly kind: 'working'; readonly objects: StagedObject[] }
  /** A Put of this branch failed its checksum; the branch can only vote no. */
  | { readonly kind: 'poisoned'; readonly reason: string };

type Lifecycle =
  | { readonly kind: 'new' }
  | { readonly kind: 'recovering' }
  | { readonly kind: 'ready'; readonly sweeper: NodeJS.Timeout }
  | { readonly kind: 'closed' };

const manifestVersion = 1;

/**
 * The blob participant's resource manager over a local directory. Bytes are staged per tx,
 * made durable with a manifest on prepare, and published by rename into a content-addressed
 * tree on commit; reads only ever see published objects.
 *
 * Every step of commit is restartable: a crash between any two renames leaves the manifest
 * in staging, recovery reports the branch as prepared, and the repeated commit skips what
 * was already published. The manifest then moves to `committed/`, where it is kept for
 * `committedRetentionMs` so a repeated Commit for a branch that is gone from staging (its
 * first ack was lost) is verified against the published objects rather than trusted.
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

  private lifecycle: Lifecycle = { kind: 'new' };
  private readonly branches = new Map<string, OpenBranch>();
  /**
   * Every prepared branch's manifest, as on disk: loaded by recover, added by prepare,
   * removed by commit and abort. Commit publishes from it without reading the file back.
   */
  private readonly prepared = new Map<string, BlobManifest>();
  /** Directory fsyncs shared by concurrent prepares and commits (group commit per directory). */
  private readonly dirSyncs = new GroupSync((dir) => this.syncDirNow(dir));
  private sweeping: Promise<void> | undefined;

  constructor(options: LocalBlobStoreOptions) {
    this.participantId = options.participantId ?? 'blob';
    this.layout = new BlobLayout(options.dataDir);
    this.logger = options.logger.child({ participantId: this.participantId, dataDir: this.layout.root });
    this.objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
    this.committedRetentionMs = options.committedRetentionMs ?? limits.blobCommittedRetentionMs;
    this.sweepIntervalMs = options.sweepIntervalMs ?? limits.blobCommittedSweepIntervalMs;
    this.nowMs = options.nowMs ?? Date.now;
    this.onFatal = options.onFatal ?? stopProcess(this.logger);
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
      await mkdir(dir, { recursive: true });
    }
    await this.dirSyncs.sync(this.layout.root);
    // every object directory exists from here on, durably, so no commit creates or syncs one
    let createdObjectDirs = false;
    for (const dir of this.layout.objectDirs()) {
      if ((await mkdir(dir, { recursive: true })) !== undefined) createdObjectDirs = true;
    }
    if (createdObjectDirs) await this.dirSyncs.sync(this.layout.objectsRoot);

    const prepared: { txId: string; preparedAtMs: number }[] = [];
    let abortedLeftovers = 0;
    for await (const entry of await opendir(this.layout.stagingRoot)) {
      // a commit record wins over a manifest left in staging: commit moved the manifest
      // and did not sync the removal of the staging directory
      const finishing = isValidTxId(entry.name) && (await statOrUndefined(this.layout.committed(entry.name))) !== undefined;
      const manifest = isValidTxId(entry.name) && !finishing ? await this.readManifest(entry.name) : undefined;
      if (manifest !== undefined) {
        prepared.push({ txId: entry.name, preparedAtMs: manifest.preparedAtMs });
        this.prepared.set(entry.name, manifest);
        continue;
      }
      await rm(path.join(this.layout.stagingRoot, entry.name), { recursive: true, force: true });
      if (finishing) {
        // a commit that crashed after moving its manifest: only the cleanup was left to do
        this.logger.info({ txId: entry.name }, 'removed the staging left by an interrupted commit');
      } else {
        abortedLeftovers++;
        this.logger.info({ txId: entry.name }, 'aborted unprepared staged work left from before the restart');
      }
    }
    await this.dirSyncs.sync(this.layout.stagingRoot);

    // a participant that restarts more often than the interval must still sweep
    this.startSweep();
    const sweeper = setInterval(() => this.startSweep(), this.sweepIntervalMs);
    sweeper.unref();
    this.lifecycle = { kind: 'ready', sweeper };
    this.logger.info({ prepared: prepared.length, abortedLeftovers }, 'blob store recovered');
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
        throw new LimitExceededError(`an object of ${expected.size} bytes is over the limit of ${this.objectBytesMax}`);
      }
    }
    await this.openBranch(txId);
    const file = `${randomBytes(16).toString('hex')}.data`;
    const staged = this.layout.stagedFile(txId, file);
    // A Put cut short leaves at most a file no manifest names: only the objects listed in
    // the manifest are ever published, and unprepared staging is deleted at recovery.
    let received: PutResult;
    try {
      received = await this.receive(txId, staged, source, expected);
    } catch (err) {
      await rm(staged, { force: true }).catch((rmErr: unknown) =>
        this.logger.warn({ err: rmErr, txId, staged }, 'could not remove a partial staged file'),
      );
      if (err instanceof ChecksumMismatchError) {
        this.branches.set(txId, { kind: 'poisoned', reason: err.message.slice(0, limits.reasonLengthMax) });
        this.logger.warn({ err, txId }, 'staged bytes do not match; the branch will vote no');
      }
      throw err;
    }
    const branch = this.branches.get(txId);
    if (branch?.kind !== 'working' || branch.objects.length >= limits.blobObjectsPerTxMax) {
      // aborted, poisoned or filled by another call while these bytes were arriving
      await rm(staged, { force: true });
      throw new TxNotActiveError(txId, 'the branch changed while the object was being received');
    }
    branch.objects.push({ file, ...received });
    return received;
  }

  /**
   * Writes the manifest (tmp file, fdatasync, rename, fsync of the directories): the
   * manifest on disk is the yes vote, so it is the last thing made durable and the answer
   * comes after it. The staged bytes were made durable as they were received (Put).
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
    await this.writeManifest(txId, manifest);
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
    if ((await statOrUndefined(this.layout.committed(txId))) !== undefined) {
      this.logger.error({ txId }, 'abort asked for a committed branch; refused');
      throw new BranchAlreadyCommittedError(txId, this.participantId);
    }
    this.branches.delete(txId);
    this.prepared.delete(txId);
    const stagingDir = this.layout.stagingDir(txId);
    if ((await statOrUndefined(stagingDir)) === undefined) return { alreadyAborted: true };
    await blobFailpoints.abortBeforeDelete.hit();
    await rm(stagingDir, { recursive: true, force: true });
    // not needed for safety (a staging dir that comes back is aborted again), but it
    // spares a restart an in-doubt branch it would have to ask about
    await this.dirSyncs.sync(this.layout.stagingRoot);
    this.logger.debug({ txId }, 'blob branch aborted');
    return { alreadyAborted: false };
  }

  /** Stops the retention sweep. The store keeps no other handles; later calls still work on the files. */
  async close(): Promise<void> {
    if (this.lifecycle.kind === 'ready') clearInterval(this.lifecycle.sweeper);
    this.lifecycle = { kind: 'closed' };
    await this.sweeping;
  }

  /** Size of a published object. `NotFoundError` if it is not published. */
  async stat(sha256: string): Promise<{ readonly size: number }> {
    checkSha256(sha256);
    const found = await statOrUndefined(this.layout.object(sha256));
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
    let handle: FileHandle;
    try {
      handle = await open(this.layout.object(sha256), 'r');
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
      const chunks = handle.createReadStream({ start: offset, end: offset + length - 1, highWaterMark: limits.blobGetChunkBytesMax });
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
    let removed = 0;
    for await (const entry of await opendir(this.layout.committedRoot)) {
      if (!entry.name.endsWith('.json')) continue;
      const file = path.join(this.layout.committedRoot, entry.name);
      const found = await statOrUndefined(file);
      // the later of the commit's stamp and its rename (see publish)
      if (found === undefined || Math.max(found.mtimeMs, found.ctimeMs) >= cutoffMs) continue;
      // no fsync: a record that comes back after a crash is merely swept again
      await rm(file, { force: true });
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
      if ((await statOrUndefined(this.layout.committed(txId))) !== undefined) {
        throw new TxNotActiveError(txId, 'the blob branch is committed');
      }
      await mkdir(this.layout.stagingDir(txId), { recursive: true });
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
          throw new LimitExceededError(`transaction ${txId} staged ${branch.objects.length} objects; the limit is ${limits.blobObjectsPerTxMax}`);
        }
        return;
      default:
        assertNever(branch);
    }
  }

  private async receive(txId: string, file: string, source: AsyncIterable<Uint8Array>, expected: PutExpectation): Promise<PutResult> {
    const hash = createHash('sha256');
    let size = 0;
    const handle = await open(file, 'wx');
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > this.objectBytesMax) throw new LimitExceededError(`object is over the limit of ${this.objectBytesMax} bytes`);
        // fail as soon as the size is wrong: the rest of the stream cannot fix it
        if (expected.size !== undefined && size > expected.size) {
          throw new ChecksumMismatchError(txId, `received more than the expected ${expected.size} bytes`);
        }
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      // durable now, while the rest of the tx goes on, so that prepare only writes the manifest
      await this.durable('blob-data', file, () => handle.datasync());
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

  private async writeManifest(txId: string, manifest: BlobManifest): Promise<void> {
    const tmp = this.layout.manifestTmp(txId);
    const handle = await open(tmp, 'w');
    try {
      await writeAll(handle, Buffer.from(JSON.stringify(manifest)));
      await this.durable('blob-manifest', tmp, () => handle.datasync());
    } finally {
      await handle.close();
    }
    await rename(tmp, this.layout.manifest(txId));
    // the manifest's entry, and the branch's own directory entry (made by its first Put),
    // or the whole branch could vanish; the second is shared with concurrent prepares
    await Promise.all([this.dirSyncs.sync(this.layout.stagingDir(txId)), this.dirSyncs.sync(this.layout.stagingRoot)]);
  }

  private async voteNo(txId: string, reason: string): Promise<PrepareVote> {
    // a no leaves nothing behind; a poisoned branch keeps its reason in memory for repeats
    await rm(this.layout.stagingDir(txId), { recursive: true, force: true });
    this.logger.info({ txId, reason }, 'blob branch votes no');
    return { vote: 'no', reason };
  }

  private async publish(txId: string, manifest: BlobManifest): Promise<void> {
    const objectDirs = new Set<string>();
    for (const object of manifest.objects) {
      await blobFailpoints.commitBeforeRename.hit();
      await this.publishObject(txId, object);
      objectDirs.add(this.layout.objectDir(object.sha256));
      await blobFailpoints.commitAfterRename.hit();
    }
    // always, not only when this call renamed: a previous attempt may have died before syncing
    await Promise.all([...objectDirs].map((dir) => this.dirSyncs.sync(dir)));
    await blobFailpoints.commitAfterPublish.hit();

    const manifestPath = this.layout.manifest(txId);
    // Retention counts from the commit, not the prepare (a branch may sit in doubt for
    // days): the mtime is stamped with the store's clock, and the rename sets the ctime,
    // which the sweep reads too, so a stamp lost in a crash still leaves the commit dated.
    const now = new Date(this.nowMs());
    await utimes(manifestPath, now, now);
    await rename(manifestPath, this.layout.committed(txId));
    await this.dirSyncs.sync(this.layout.committedRoot);
    this.prepared.delete(txId);
    this.branches.delete(txId);
    // no fsync: a staging directory that comes back after a crash is removed at recovery,
    // which finds the commit record
    await this.removeStagingDir(txId);
    this.logger.debug({ txId, objects: manifest.objects.length }, 'blob branch committed');
  }

  private async publishObject(txId: string, object: BlobManifest['objects'][number]): Promise<void> {
    const staged = this.layout.stagedFile(txId, object.file);
    const target = this.layout.object(object.sha256);
    try {
      // over an existing object of the same content, the rename just replaces it by itself
      await rename(staged, target);
    } catch (err) {
      if (!isMissing(err)) throw err;
      // published by an earlier attempt of this commit
      if ((await statOrUndefined(target))?.size === object.size) return;
      throw new BranchNotCommittedError(txId, this.participantId, `staged object ${object.file} (${object.sha256}) is gone and was never published`);
    }
  }

  /** Removes a staging directory whose files were published or moved: empty, unless a cut-short Put left one. */
  private async removeStagingDir(txId: string): Promise<void> {
    const stagingDir = this.layout.stagingDir(txId);
    try {
      await rmdir(stagingDir);
    } catch (err) {
      if (isMissing(err)) return;
      await rm(stagingDir, { recursive: true, force: true });
    }
  }

  private async verifyCommitted(txId: string): Promise<void> {
    const recordPath = this.layout.committed(txId);
    const record = await this.readManifestFile(recordPath, txId);
    const stagingDir = this.layout.stagingDir(txId);
    if (record === undefined) {
      const staged = (await statOrUndefined(stagingDir)) !== undefined;
      throw new BranchNotCommittedError(
        txId,
        this.participantId,
        staged
          ? 'the branch never prepared (staged work without a manifest)'
          : 'no staged work and no commit record (never prepared, aborted, or the record passed its retention)',
      );
    }
    for (const object of record.objects) {
      const found = await statOrUndefined(this.layout.object(object.sha256));
      if (found?.size !== object.size) {
        throw new BranchNotCommittedError(txId, this.participantId, `object ${object.sha256} listed in ${recordPath} is not published`);
      }
    }
    // the commit that wrote the record may have died before syncing it; ack only what is durable
    await this.dirSyncs.sync(this.layout.committedRoot);
    if ((await statOrUndefined(stagingDir)) !== undefined) {
      await rm(stagingDir, { recursive: true, force: true });
      await this.dirSyncs.sync(this.layout.stagingRoot);
    }
    this.logger.info({ txId, objects: record.objects.length }, 'blob branch was already committed (verified)');
  }

  private readManifest(txId: string): Promise<BlobManifest | undefined> {
    return this.readManifestFile(this.layout.manifest(txId), txId);
  }

  private async readManifestFile(file: string, txId: string): Promise<BlobManifest | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
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

  private async syncDirNow(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await this.durable('blob-dir', dir, () => handle.sync());
    } finally {
      await handle.close();
    }
  }

  /** Runs an fsync; a failure is fatal (see BlobStoreFatalError), never retried. */
  private async durable(what: 'blob-data' | 'blob-manifest' | 'blob-dir', target: string, sync: () => Promise<void>): Promise<void> {
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

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    assert(bytesWritten > 0, 'a write to a regular file makes progress');
    offset += bytesWritten;
  }
}

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
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
