import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import type { SimChecker } from './sim-checker.js';
import type { SimWorld } from './sim-world.js';

interface Entry {
  readonly record: LogRecord;
  /** On the platter: survives any crash. */
  durable: boolean;
}

interface Segment {
  entries: Entry[];
  /** Commits in this segment without an end anywhere: the segment may not be reclaimed. */
  readonly openCommits: Set<string>;
  /** FileDecisionLog's own belief that the file has unsynced bytes (set by writes, cleared by fdatasync, false after open). */
  unsynced: boolean;
  /** When its last open commit ended (sim ms); FileDecisionLog keeps it `reclaimDelayMs` longer, and resets this on open. */
  endedAtMs: number;
}

interface Pending {
  readonly record: LogRecord;
  readonly sync: boolean;
  readonly onDone: (() => void) | undefined;
}

/**
 * The decision log as FileDecisionLog keeps it on a disk that can lose power: segments,
 * a writer that group-commits queued appends (one write, one fdatasync), reclamation of
 * segments whose commits all ended, and the page cache between the process and the
 * platter. A process crash loses the queue but keeps written bytes (they are not durable
 * yet); a machine crash also loses a suffix of what was never synced, possibly tearing
 * the last record.
 */
export class SimDecisionLog {
  private segments: Segment[] = [];
  private readonly commitSegments = new Map<string, Segment>();
  private queue: Pending[] = [];
  private writing = false;
  private incarnation = 0;
  private tornTail = false;
  /** Records per segment before rotation (a stand-in for segmentBytesMax). */
  private readonly segmentRecordsMax: number;

  constructor(
    private readonly w: SimWorld,
    private readonly checker: SimChecker,
    private readonly syncsOnOpen: boolean,
    /** FileDecisionLog's `reclaimDelayMs`: a segment whose commits all ended is kept this long. */
    private readonly reclaimDelayMs: number,
  ) {
    this.segmentRecordsMax = 3 + w.rng.below(10);
  }

  /** Replays the log: every surviving record in order. Mirrors FileDecisionLog.open. */
  open(): LogRecord[] {
    this.incarnation++;
    const last = this.segments[this.segments.length - 1];
    // FileDecisionLog truncates a torn tail and syncs the file; an intact tail is not synced
    if (last !== undefined && (this.tornTail || this.syncsOnOpen)) this.datasync(last);
    if (this.syncsOnOpen) for (const segment of this.segments) this.datasync(segment);
    this.tornTail = false;
    this.commitSegments.clear();
    const records: LogRecord[] = [];
    for (const segment of this.segments) {
      segment.openCommits.clear();
      segment.endedAtMs = this.w.nowMs;
      for (const entry of segment.entries) {
        records.push(entry.record);
        this.track(entry.record, segment);
      }
      segment.unsynced = false;
    }
    if (this.segments.length === 0) this.segments.push(newSegment());
    this.reclaim();
    return records;
  }

  append(record: LogRecord, sync: boolean, onDone?: () => void): void {
    this.queue.push({ record, sync, onDone });
    if (!this.writing) {
      this.writing = true;
      const incarnation = this.incarnation;
      // the writer yields once, so every append of the current tick joins the batch
      this.w.soon(() => this.writeNext(incarnation));
    }
  }

  /** Mutant (c): the commit record disappears as if its segment had been reclaimed. */
  dropCommit(txId: string): void {
    for (const segment of this.segments) {
      const i = segment.entries.findIndex((e) => e.record.kind === 'commit' && e.record.txId === txId);
      if (i >= 0) segment.entries.splice(i, 1);
      segment.openCommits.delete(txId);
    }
    this.commitSegments.delete(txId);
  }

  crash(machine: boolean, torn: boolean): void {
    this.incarnation++;
    this.queue = [];
    this.writing = false;
    const last = this.segments[this.segments.length - 1];
    if (machine) {
      for (const segment of this.segments) {
        const firstUnsynced = segment.entries.findIndex((e) => !e.durable);
        if (firstUnsynced < 0) continue;
        const kept = firstUnsynced + this.w.rng.below(segment.entries.length - firstUnsynced + 1);
        if (segment === last && kept < segment.entries.length && torn) this.tornTail = true;
        segment.entries.length = kept;
        // what reached the platter before the power went is durable now
        for (const entry of segment.entries) this.markDurable(entry);
      }
    } else if (torn && last !== undefined) {
      // the process died inside a write: the last record is cut short
      const tail = last.entries[last.entries.length - 1];
      if (tail !== undefined && !tail.durable) {
        last.entries.pop();
        this.tornTail = true;
      }
    }
  }

  /** Commits without an end (not reclaimed): after recovery these are re-driven. */
  unfinishedCommits(): string[] {
    const ended = new Set<string>();
    const commits: string[] = [];
    for (const segment of this.segments) {
      for (const { record } of segment.entries) {
        if (record.kind === 'end') ended.add(record.txId);
        else commits.push(record.txId);
      }
    }
    return commits.filter((txId) => !ended.has(txId));
  }

  private writeNext(incarnation: number): void {
    if (incarnation !== this.incarnation) return;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) {
      this.writing = false;
      return;
    }
    let active = this.segments[this.segments.length - 1]!;
    if (active.entries.length >= this.segmentRecordsMax) {
      // rotation syncs the old segment only if FileDecisionLog believes it has unsynced bytes
      if (active.unsynced) this.datasync(active);
      active = newSegment();
      this.segments.push(active);
    }
    for (const pending of batch) {
      active.entries.push({ record: pending.record, durable: false });
      this.track(pending.record, active);
    }
    active.unsynced = true;
    const finish = (): void => {
      if (batch.some((p) => p.record.kind === 'end')) this.reclaim();
      for (const pending of batch) pending.onDone?.();
      this.writeNext(incarnation);
    };
    if (!batch.some((p) => p.sync)) {
      this.w.soon(() => incarnation === this.incarnation && finish());
      return;
    }
    // fdatasync usually takes a millisecond or two, and now and then stalls behind other I/O
    const rng = this.w.rng;
    this.w.after(rng.chance(0.05) ? rng.range(20, 250) : rng.range(0.3, 2.5), () => {
      if (incarnation !== this.incarnation) return;
      this.datasync(active);
      finish();
    });
  }

  private datasync(segment: Segment): void {
    for (const entry of segment.entries) this.markDurable(entry);
    segment.unsynced = false;
  }

  private markDurable(entry: Entry): void {
    if (entry.durable) return;
    entry.durable = true;
    if (entry.record.kind === 'commit') this.checker.decisionDurable(entry.record.txId, entry.record.participants);
  }

  private track(record: LogRecord, segment: Segment): void {
    if (record.kind === 'commit') {
      if (this.commitSegments.has(record.txId)) return;
      segment.openCommits.add(record.txId);
      this.commitSegments.set(record.txId, segment);
      return;
    }
    const commitSegment = this.commitSegments.get(record.txId);
    commitSegment?.openCommits.delete(record.txId);
    if (commitSegment !== undefined) commitSegment.endedAtMs = this.w.nowMs;
    this.commitSegments.delete(record.txId);
  }

  /** Deletes the oldest segments while all their commits ended, never the active one (unlink + directory sync: durable at once). */
  private reclaim(): void {
    while (this.segments.length > 1 && this.segments[0]!.openCommits.size === 0 && this.w.nowMs - this.segments[0]!.endedAtMs >= this.reclaimDelayMs) this.segments.shift();
  }
}

function newSegment(): Segment {
  return { entries: [], openCommits: new Set(), unsynced: false, endedAtMs: 0 };
}
