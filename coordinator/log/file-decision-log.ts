import { assert, assertNever } from '../../lib/assert/assert.js';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LogRecord } from '../protocol/log-record.js';
import type { AppendOptions, DecisionLog, DecisionLogStats, ReplayResult } from './decision-log.js';
import { encodeFrame, frameHeaderBytes } from './encode-frame.js';
import {
  LogClosedError,
  LogCorruptError,
  LogFatalError,
  LogQueueFullError,
  type FatalOperation,
} from './log-errors.js';
import { limits } from '../../lib/limits/limits.js';
import { readFrames } from './read-frames.js';
import { logFailpoints } from './log-failpoints.js';
import { fsyncs } from '../../lib/metrics/metrics.js';
import { decisionLogFsyncDuration, decisionLogRecordsPerFsync } from './log-metrics.js';
import type { FileSystem, FileSystemHandle } from '../../lib/fs/file-system.js';
import { nodeFileSystem } from '../../lib/fs/node-file-system.js';

/** How the log opens files and directories. Tests substitute handles whose I/O fails. */
export type OpenFile = (filePath: string, flags: 'r' | 'r+' | 'wx') => Promise<FileSystemHandle>;

/**
 * Every durability call of the log, one name per call site (see `SyncSite`): a simulated
 * disk that ignores one of them shows what the log would lose without it.
 */
export const decisionLogSyncSites = [
  /** A batch with a synced record: the commit point of its decisions. */
  'log.segment.datasync',
  /** The full segment, before the next one is created: records stay durable in append order. */
  'log.segment.rotate',
  /** What `close` flushes. */
  'log.segment.close',
  /** The intact last segment on open: what replay returns may sit only in the page cache. */
  'log.segment.replay',
  /** The last segment on open, after its torn tail was cut off. */
  'log.segment.truncate',
  /** The log directory, after a segment was created in it: the new file's name. */
  'log.dir.create-segment',
  /** The log directory, after each segment deleted from it, so deletions reach the disk oldest first. */
  'log.dir.delete-segment',
  /** The log directory and each of its parents, on every open (names an earlier, killed process created). */
  'log.dirs.open',
] as const;

export type DecisionLogSyncSite = (typeof decisionLogSyncSites)[number];

export interface FileDecisionLogOptions {
  /** Directory holding the segment files, created if missing. One log per directory. */
  readonly dir: string;
  /** Size at which appends move to a new segment. Default `limits.logSegmentBytesMax`. */
  readonly segmentBytesMax?: number;
  /** Records per group commit. Default `limits.logBatchRecordsMax`. */
  readonly batchRecordsMax?: number;
  /** Frame bytes per group commit. Default `limits.logBatchBytesMax`. */
  readonly batchBytesMax?: number;
  /** Largest record payload accepted by `append`. Default `limits.logRecordBytesMax`. */
  readonly recordBytesMax?: number;
  /** Frame bytes that may wait for the writer. Default `limits.logPendingBytesMax`. */
  readonly pendingBytesMax?: number;
  /**
   * Told, once, that a write, fdatasync or directory change failed and the log stopped.
   * Default: log the error and exit the process with status 70.
   */
  readonly onFatal?: (err: LogFatalError) => void;
  readonly logger?: Logger;
  /** The file system the log lives on. Default: the real one (`node:fs`). */
  readonly fs?: FileSystem;
  /** Replaces the file system's `open`; only tests need this, to inject disk failures. */
  readonly openFile?: OpenFile;
  /**
   * How long a segment is kept after its last commit ended. The coordinator promises to
   * answer GetOutcome truthfully for this long, across restarts: a committed tx whose
   * records were already deleted would read as presumed aborted. Default: the outcome
   * retention (10 min).
   */
  readonly reclaimDelayMs?: number;
  /** Wall clock in Unix ms (tests). */
  readonly nowMs?: () => number;
}

/** Where the log is in its life; `append` is accepted only while `open`. */
type Lifecycle =
  | { readonly kind: 'unopened' }
  | { readonly kind: 'opening' }
  | { readonly kind: 'open' }
  | { readonly kind: 'closing'; readonly closed: Promise<void> }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed'; readonly error: LogFatalError };

interface PendingAppend {
  readonly record: LogRecord;
  readonly frame: Buffer;
  readonly sync: boolean;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  /** txIds of the commit records in this segment whose `end` has not been appended yet. */
  readonly openCommits: Set<string>;
  /** When the last open commit of this segment ended (Unix ms); reclaimable `reclaimDelayMs` later. */
  endedAtMs: number;
}

/** The last segment, the only one written to. */
interface ActiveSegment {
  readonly segment: Segment;
  readonly handle: FileSystemHandle;
  bytes: number;
  /** Bytes were written since the last fdatasync of this file. */
  unsynced: boolean;
}

const segmentNamePattern = /^\d{16}\.seg$/;

/**
 * The decision log as a directory of append-only segment files (`<16-digit seq>.seg`),
 * each a sequence of `u32 LE length · u32 LE CRC32C · JSON payload` frames.
 *
 * One writer loop owns the active segment: appends queue up, and each turn of the loop
 * writes everything queued (up to the batch limits) with one write and at most one
 * fdatasync, so concurrent decisions share the cost of the disk flush. Segments whose
 * commits have all ended are deleted from the front, so the log's size follows the
 * number of unfinished transactions, not the coordinator's age.
 */
export class FileDecisionLog implements DecisionLog {
  private readonly dir: string;
  private readonly segmentBytesMax: number;
  private readonly batchRecordsMax: number;
  private readonly batchBytesMax: number;
  private readonly recordBytesMax: number;
  private readonly pendingBytesMax: number;
  private readonly onFatal: (err: LogFatalError) => void;
  private readonly logger: Logger | undefined;
  private readonly fs: FileSystem;
  private readonly reclaimDelayMs: number;
  private readonly nowMs: () => number;

  private lifecycle: Lifecycle = { kind: 'unopened' };
  /** Every segment on disk, oldest first; the last one is `active.segment`. */
  private readonly segments: Segment[] = [];
  /** The segment holding each commit that has not ended: where its `end` releases a pin. */
  private readonly commitSegments = new Map<string, Segment>();
  private active: ActiveSegment | undefined;

  private readonly queue: PendingAppend[] = [];
  private pendingBytes = 0;
  private writerRunning = false;
  private writerIdle: Promise<void> = Promise.resolve();

  private appends = 0;
  private syncedCommits = 0;
  private syncs = 0;
  private writes = 0;
  private segmentsDeleted = 0;

  constructor(options: FileDecisionLogOptions) {
    this.dir = path.resolve(options.dir);
    this.segmentBytesMax = options.segmentBytesMax ?? limits.logSegmentBytesMax;
    this.batchRecordsMax = options.batchRecordsMax ?? limits.logBatchRecordsMax;
    this.batchBytesMax = options.batchBytesMax ?? limits.logBatchBytesMax;
    this.recordBytesMax = options.recordBytesMax ?? limits.logRecordBytesMax;
    this.pendingBytesMax = options.pendingBytesMax ?? limits.logPendingBytesMax;
    this.logger = options.logger?.child({ component: 'decision-log', dir: this.dir });
    this.onFatal = options.onFatal ?? stopProcess(this.logger);
    const fs = options.fs ?? nodeFileSystem;
    this.fs = options.openFile === undefined ? fs : { ...fs, open: options.openFile };
    this.reclaimDelayMs = options.reclaimDelayMs ?? limits.finishedRetentionMs;
    this.nowMs = options.nowMs ?? Date.now;

    for (const [name, value] of Object.entries({
      segmentBytesMax: this.segmentBytesMax,
      batchRecordsMax: this.batchRecordsMax,
      batchBytesMax: this.batchBytesMax,
      recordBytesMax: this.recordBytesMax,
      pendingBytesMax: this.pendingBytesMax,
    })) {
      assert(Number.isSafeInteger(value) && value > 0, `${name} is a positive integer`);
    }
    assert(this.recordBytesMax <= 0xffff_ffff, 'a payload length fits the u32 frame header');
    // Any single record must fit a segment, a batch and the queue, or it could never be written.
    const frameBytesMax = frameHeaderBytes + this.recordBytesMax;
    assert(this.segmentBytesMax >= frameBytesMax, 'segmentBytesMax holds a record of recordBytesMax');
    assert(this.batchBytesMax >= frameBytesMax, 'batchBytesMax holds a record of recordBytesMax');
    assert(this.pendingBytesMax >= frameBytesMax, 'pendingBytesMax holds a record of recordBytesMax');
  }

  async open(): Promise<ReplayResult> {
    assert(this.lifecycle.kind === 'unopened', 'open() is called once');
    this.lifecycle = { kind: 'opening' };
    try {
      const result = await this.replay();
      this.lifecycle = { kind: 'open' };
      return result;
    } catch (err) {
      this.lifecycle = { kind: 'closed' };
      await this.releaseActive({ ignoreErrors: true });
      throw err;
    }
  }

  async append(record: LogRecord, options: AppendOptions): Promise<void> {
    switch (this.lifecycle.kind) {
      case 'open':
        break;
      case 'failed':
        throw this.lifecycle.error;
      case 'closing':
      case 'closed':
        throw new LogClosedError(this.dir, this.lifecycle.kind);
      case 'unopened':
      case 'opening':
        assert(false, 'append() is called only after open() resolved');
      default:
        unreachable(this.lifecycle);
    }
    const frame = encodeFrame(record, this.recordBytesMax);
    if (this.pendingBytes + frame.length > this.pendingBytesMax) {
      throw new LogQueueFullError(this.dir, this.pendingBytes, this.pendingBytesMax);
    }
    this.pendingBytes += frame.length;
    const appended = new Promise<void>((resolve, reject) => {
      this.queue.push({ record, frame, sync: options.sync, resolve, reject });
    });
    this.startWriter();
    return appended;
  }

  stats(): DecisionLogStats {
    return {
      appends: this.appends,
      syncedCommits: this.syncedCommits,
      syncs: this.syncs,
      writes: this.writes,
      segments: this.segments.length,
      segmentsDeleted: this.segmentsDeleted,
    };
  }

  /**
   * Writes and fdatasyncs what is queued, then closes the segment. Rejects only when that
   * final flush fails (and the log is then failed, as after any fatal error). Closing a
   * log that already failed just releases its file.
   */
  close(): Promise<void> {
    switch (this.lifecycle.kind) {
      case 'unopened':
        this.lifecycle = { kind: 'closed' };
        return Promise.resolve();
      case 'opening':
        assert(false, 'close() is called after open() settled');
      case 'open': {
        const closed = this.flushAndClose();
        this.lifecycle = { kind: 'closing', closed };
        return closed;
      }
      case 'closing':
        return this.lifecycle.closed;
      case 'closed':
        return Promise.resolve();
      case 'failed':
        return this.releaseActive({ ignoreErrors: true });
      default:
        return unreachable(this.lifecycle);
    }
  }

  private async replay(): Promise<ReplayResult> {
    await this.ensureDir();
    const seqs = await this.listSegmentSeqs();
    const records: LogRecord[] = [];
    let truncatedBytes = 0;
    for (const [index, seq] of seqs.entries()) {
      const replayed = await this.replaySegment(seq, index === seqs.length - 1);
      for (const record of replayed.records) records.push(record);
      truncatedBytes += replayed.truncatedBytes;
    }
    if (this.active === undefined) await this.createSegment(0);
    await this.reclaim();
    this.logger?.info(
      { segments: this.segments.length, records: records.length, truncatedBytes, unended: this.commitSegments.size },
      'decision log replayed',
    );
    return { records, truncatedBytes };
  }

  private async replaySegment(
    seq: number,
    isLast: boolean,
  ): Promise<{ readonly records: LogRecord[]; readonly truncatedBytes: number }> {
    const segment: Segment = { seq, path: this.segmentPath(seq), openCommits: new Set(), endedAtMs: this.nowMs() };
    // The last segment stays open: appends continue in it, after its torn tail is cut off.
    const handle = await this.fs.open(segment.path, isLast ? 'r+' : 'r');
    let keepOpen = false;
    try {
      const bytes = await handle.readFile();
      const read = readFrames(bytes);
      let truncatedBytes = 0;
      if (read.fault !== undefined) {
        // A crash can only cut short a write to the last segment: rotation fdatasyncs a
        // segment before the next one gets its first record. A bad frame anywhere else
        // damaged a record that was acknowledged as durable.
        if (!isLast) throw new LogCorruptError(segment.path, read.validBytes, read.fault);
        truncatedBytes = bytes.length - read.validBytes;
        // Cut the tail before appending after it: left in place, the old torn bytes would
        // sit behind new records, where a later replay could misread them as frames.
        await this.io('truncate', segment.path, async () => {
          await handle.truncate(read.validBytes);
          await handle.sync('log.segment.truncate');
        });
        this.logger?.warn(
          { segment: segment.path, offset: read.validBytes, truncatedBytes, fault: read.fault },
          'truncated the torn tail of the decision log',
        );
      }
      if (isLast && read.fault === undefined) {
        // What we read may sit only in the page cache (a process killed between write and
        // fdatasync): make it durable before anyone acts on it, or a restarted coordinator
        // could re-drive a commit that a power loss would still erase.
        await this.io('datasync', segment.path, () => handle.datasync('log.segment.replay'));
      }
      this.segments.push(segment);
      for (const record of read.records) this.track(record, segment);
      if (isLast) {
        this.active = { segment, handle, bytes: read.validBytes, unsynced: false };
        keepOpen = true;
      }
      return { records: read.records, truncatedBytes };
    } finally {
      if (!keepOpen) await handle.close();
    }
  }

  /** Segment sequence numbers on disk, ascending; a gap means a segment was lost. */
  private async listSegmentSeqs(): Promise<number[]> {
    const names = await this.fs.readdir(this.dir);
    const seqs = names
      .filter((name) => segmentNamePattern.test(name))
      .map((name) => Number(name.slice(0, 16)))
      .sort((a, b) => a - b);
    for (const [index, seq] of seqs.entries()) {
      assert(Number.isSafeInteger(seq), `segment sequence ${seq} is a safe integer`);
      const previous = seqs[index - 1];
      if (previous !== undefined && seq !== previous + 1) {
        throw new LogCorruptError(this.segmentPath(previous + 1), 0, 'segment-missing');
      }
    }
    return seqs;
  }

  /**
   * Creates the log directory and makes it durable, on every open: the directory itself
   * (the names of its segments) and every parent up to the root (its own name). An open or
   * a rotation killed between creating a file or directory and syncing its parent leaves
   * names that later opens find existing and would never sync: a power loss would then take
   * a segment, or the whole log, with records the log had acknowledged as durable (both
   * found by the simulator). A few directory syncs per start.
   */
  private async ensureDir(): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    for (let dir = path.resolve(this.dir); ; dir = path.dirname(dir)) {
      await this.syncDir(dir, 'log.dirs.open');
      if (path.dirname(dir) === dir) return;
    }
  }

  private startWriter(): void {
    if (this.writerRunning) return;
    this.writerRunning = true;
    this.writerIdle = this.drainQueue();
  }

  /**
   * The writer loop: one batch at a time, so batches reach the disk in queue order. Appends
   * made while a batch is written and synced wait in the queue and form the next batch:
   * that is the group commit.
   */
  private async drainQueue(): Promise<void> {
    // Yield once so every append made in the current tick joins the first batch.
    await Promise.resolve();
    try {
      while (this.queue.length > 0 && this.lifecycle.kind !== 'failed') {
        const batch = this.takeBatch();
        try {
          await this.completeBatch(batch);
        } catch (err) {
          // Anything else is a bug: let it reject the loop and crash the process.
          if (!(err instanceof LogFatalError)) throw err;
          this.fail(err, batch);
        }
      }
    } finally {
      this.writerRunning = false;
    }
  }

  private takeBatch(): PendingAppend[] {
    // A batch never outgrows a segment, so rotation before it is always enough room.
    const bytesMax = Math.min(this.batchBytesMax, this.segmentBytesMax);
    let bytes = 0;
    let count = 0;
    for (const pending of this.queue) {
      if (count === this.batchRecordsMax || bytes + pending.frame.length > bytesMax) break;
      bytes += pending.frame.length;
      count++;
    }
    assert(count > 0, 'every frame fits a batch (checked against recordBytesMax)');
    this.pendingBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private async completeBatch(batch: readonly PendingAppend[]): Promise<void> {
    const segment = await this.writeBatch(batch);
    let ended = false;
    for (const pending of batch) {
      this.track(pending.record, segment);
      this.appends++;
      if (pending.sync && pending.record.kind === 'commit') this.syncedCommits++;
      if (pending.record.kind === 'end') ended = true;
    }
    // Reclaim before resolving, so an `end` that resolved has released its segment; this
    // delays the batch only when a segment is actually deleted, once per segment.
    if (ended) await this.reclaim();
    for (const pending of batch) pending.resolve();
  }

  /** One write of the batch's frames, then one fdatasync if any of them asked for it. */
  private async writeBatch(batch: readonly PendingAppend[]): Promise<Segment> {
    const frames = batch.map((pending) => pending.frame);
    const data = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    let active = this.activeSegment();
    if (active.bytes > 0 && active.bytes + data.length > this.segmentBytesMax) {
      active = await this.rotate(active);
    }
    this.writes++;
    const position = active.bytes;
    await this.io('write', active.segment.path, () => writeFully(active.handle, data, position));
    active.bytes += data.length;
    active.unsynced = true;
    await logFailpoints.afterWrite.hit();
    if (batch.some((pending) => pending.sync)) {
      const startedMs = this.nowMs();
      await this.datasync(active, 'log.segment.datasync');
      decisionLogFsyncDuration.observe((this.nowMs() - startedMs) / 1000);
      decisionLogRecordsPerFsync.observe(batch.length);
      await logFailpoints.afterSync.hit();
    }
    return active.segment;
  }

  private async datasync(active: ActiveSegment, site: DecisionLogSyncSite): Promise<void> {
    this.syncs++;
    fsyncs.labels('log').inc();
    await this.io('datasync', active.segment.path, () => active.handle.datasync(site));
    active.unsynced = false;
  }

  private async rotate(previous: ActiveSegment): Promise<ActiveSegment> {
    // The new segment's fdatasync does not cover this file. Syncing it first keeps records
    // durable in append order, and keeps torn frames out of every segment but the last.
    if (previous.unsynced) await this.datasync(previous, 'log.segment.rotate');
    this.active = undefined;
    await this.io('close-segment', previous.segment.path, () => previous.handle.close());
    return this.createSegment(previous.segment.seq + 1);
  }

  private async createSegment(seq: number): Promise<ActiveSegment> {
    const segment: Segment = { seq, path: this.segmentPath(seq), openCommits: new Set(), endedAtMs: this.nowMs() };
    const handle = await this.io('create-segment', segment.path, () => this.fs.open(segment.path, 'wx'));
    const active: ActiveSegment = { segment, handle, bytes: 0, unsynced: false };
    this.active = active;
    this.segments.push(segment);
    // fdatasync of the file does not make its directory entry durable; without this a
    // crash could lose the whole file, records acknowledged as synced included.
    await this.syncDir(this.dir, 'log.dir.create-segment');
    this.logger?.debug({ segment: segment.path }, 'started a decision log segment');
    return active;
  }

  private track(record: LogRecord, segment: Segment): void {
    switch (record.kind) {
      case 'commit':
        // A repeated commit leaves the pin on the first, older segment; the end releases that.
        if (this.commitSegments.has(record.txId)) return;
        segment.openCommits.add(record.txId);
        this.commitSegments.set(record.txId, segment);
        return;
      case 'end': {
        // An end with no known commit is normal on replay: reclamation may delete a
        // commit's segment while the end, in a later segment, survives (see `reclaim`).
        const commitSegment = this.commitSegments.get(record.txId);
        commitSegment?.openCommits.delete(record.txId);
        if (commitSegment !== undefined) commitSegment.endedAtMs = this.nowMs();
        this.commitSegments.delete(record.txId);
        return;
      }
      default:
        unreachable(record);
    }
  }

  /**
   * Deletes the oldest segments while every commit in them has ended, never the active one.
   *
   * Only a prefix goes: the surviving files stay a contiguous run, so a gap still means
   * damage, and no commit is removed before its end was appended. Deleting a commit can
   * leave its end behind in a later segment; replay skips such an end (see `track`).
   * The end that released a segment may not be synced yet; deleting anyway is safe,
   * because a crash then loses either the end (the tx is re-driven, idempotently) or the
   * commit with it (the tx is forgotten, which is what the end meant).
   */
  private async reclaim(): Promise<void> {
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      if (oldest.openCommits.size > 0) return;
      // kept for the outcome retention, so a restarted coordinator still knows the commits
      if (this.nowMs() - oldest.endedAtMs < this.reclaimDelayMs) return;
      assert(oldest !== this.active?.segment, 'the active segment is the last one');
      await this.io('delete-segment', oldest.path, () => this.fs.unlink(oldest.path));
      this.segments.shift();
      this.segmentsDeleted++;
      // One directory sync per deleted file, so deletions reach the disk oldest first and
      // a crash leaves a suffix of the segments, never a gap that replay reads as damage.
      await this.syncDir(this.dir, 'log.dir.delete-segment');
      this.logger?.debug({ segment: oldest.path }, 'deleted an ended decision log segment');
    }
  }

  private async syncDir(dir: string, site: DecisionLogSyncSite): Promise<void> {
    await this.io('sync-dir', dir, async () => {
      const handle = await this.fs.open(dir, 'r');
      try {
        await handle.sync(site);
      } finally {
        await handle.close();
      }
    });
  }

  private async flushAndClose(): Promise<void> {
    await this.writerIdle;
    const active = this.active;
    if (this.lifecycle.kind !== 'failed' && active?.unsynced === true) {
      try {
        await this.datasync(active, 'log.segment.close');
      } catch (err) {
        if (err instanceof LogFatalError) this.fail(err, []);
        await this.releaseActive({ ignoreErrors: true });
        throw err;
      }
    }
    const failed = this.lifecycle.kind === 'failed';
    if (!failed) this.lifecycle = { kind: 'closed' };
    await this.releaseActive({ ignoreErrors: failed });
  }

  private async releaseActive(options: { readonly ignoreErrors: boolean }): Promise<void> {
    const active = this.active;
    this.active = undefined;
    if (active === undefined) return;
    try {
      await active.handle.close();
    } catch (err) {
      if (!options.ignoreErrors) throw err;
    }
  }

  /** Stops the log for good: rejects everything in flight and queued, then tells `onFatal`. */
  private fail(error: LogFatalError, batch: readonly PendingAppend[]): void {
    if (this.lifecycle.kind === 'failed') return;
    this.lifecycle = { kind: 'failed', error };
    const abandoned = [...batch, ...this.queue.splice(0)];
    this.pendingBytes = 0;
    for (const pending of abandoned) pending.reject(error);
    this.onFatal(error);
  }

  /** Runs one I/O step; its failure becomes a `LogFatalError` naming the step and file. */
  private async io<T>(operation: FatalOperation, filePath: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (cause) {
      throw new LogFatalError(this.dir, filePath, operation, { cause });
    }
  }

  private activeSegment(): ActiveSegment {
    assert(this.active !== undefined, 'an open log has an active segment');
    return this.active;
  }

  private segmentPath(seq: number): string {
    return path.join(this.dir, `${String(seq).padStart(16, '0')}.seg`);
  }
}

/** Writes all of `data` at `position`; a short write is continued, a zero-byte one is an error. */
async function writeFully(handle: FileSystemHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    if (bytesWritten === 0) throw new Error(`write made no progress at byte ${position + written}`);
    written += bytesWritten;
  }
}

function stopProcess(logger: Logger | undefined): (err: LogFatalError) => void {
  return (err) => {
    if (logger === undefined) process.stderr.write(`${err.stack ?? err.message}\n`);
    else logger.fatal({ err }, 'decision log failed; exiting so that a restart replays what reached the disk');
    // 70 is EX_SOFTWARE (sysexits.h): the supervisor restarts us; a retry in-process cannot be trusted.
    process.exit(70);
  };
}

function unreachable(value: never): never {
  return assertNever(value, 'unreachable');
}
