import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { assert } from '../assert/assert.js';

/** Counters one direction of the proxy shares across its connections. */
export interface DirectionCounters {
  bytesReceived: number;
  bytesDelivered: number;
  bytesDropped: number;
}

/** Bytes held in delay queues, shared by every pipe of one proxy. */
export interface QueueGauge {
  bytes: number;
  bytesPeak: number;
}

export interface DelayedPipeOptions {
  readonly source: Socket;
  readonly sink: Socket;
  readonly counters: DirectionCounters;
  readonly gauge: QueueGauge;
  /** Reading from `source` pauses once this many bytes are queued. */
  readonly queuedBytesMax: number;
  /** The delay a chunk arriving now gets; read per chunk so changes apply at once. */
  readonly delayMs: () => number;
  /** Whether the direction starts cut (the proxy is partitioned that way already). */
  readonly cut: boolean;
  /** Bytes arrived for a sink that can no longer take them: the connection must reset. */
  readonly onSinkGone: () => void;
}

/** A chunk or the end of the stream, with the time it may be handed to the sink. */
type QueuedItem =
  | { readonly kind: 'data'; readonly chunk: Buffer; readonly dueAtMs: number }
  | { readonly kind: 'end'; readonly dueAtMs: number };

/** Queue slots consumed before the array is compacted; keeps `shift` O(1) amortized. */
const compactAfterItems = 1024;

/**
 * One direction of a proxied connection: what `source` sends reaches `sink` after the
 * configured delay, in order, unless the direction is cut.
 *
 * Memory is bounded by backpressure, not by dropping: once `queuedBytesMax` bytes wait,
 * `source` is paused until the queue is half empty, so a fast sender is slowed to what
 * the delay and the receiver allow, as TCP's window would slow it.
 */
export class DelayedPipe {
  private readonly items: (QueuedItem | undefined)[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** Chunks keep their arrival order, so none may be due before the one queued ahead of it. */
  private lastDueAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private awaitingDrain = false;
  private sourcePaused = false;
  private cut: boolean;
  /** A cut discarded bytes: the stream the sink reads has a hole TCP would never leave. */
  private lostBytes = false;
  private disposed = false;

  constructor(private readonly options: DelayedPipeOptions) {
    this.cut = options.cut;
  }

  /** Takes a chunk read from `source`. */
  accept(chunk: Buffer): void {
    if (this.disposed) return;
    this.options.counters.bytesReceived += chunk.length;
    if (this.cut) {
      this.options.counters.bytesDropped += chunk.length;
      this.lostBytes = true;
      return;
    }
    const nowMs = performance.now();
    const dueAtMs = Math.max(nowMs + this.options.delayMs(), this.lastDueAtMs);
    if (this.isEmpty() && !this.awaitingDrain && dueAtMs <= nowMs) {
      // the common undelayed path: no queue, no timer, no copy
      this.deliver({ kind: 'data', chunk, dueAtMs });
      return;
    }
    this.enqueue({ kind: 'data', chunk, dueAtMs }, chunk.length);
    if (this.queuedBytes >= this.options.queuedBytesMax && !this.sourcePaused) {
      this.sourcePaused = true;
      this.options.source.pause();
    }
  }

  /** `source` sent FIN: the sink gets it after every byte before it, with the same delay. */
  acceptEnd(): void {
    if (this.disposed) return;
    if (this.cut) {
      // a FIN is part of the stream too: the far side never hears it
      this.lostBytes = true;
      return;
    }
    const nowMs = performance.now();
    const dueAtMs = Math.max(nowMs + this.options.delayMs(), this.lastDueAtMs);
    if (this.isEmpty() && !this.awaitingDrain && dueAtMs <= nowMs) {
      this.deliver({ kind: 'end', dueAtMs });
      return;
    }
    this.enqueue({ kind: 'end', dueAtMs }, 0);
  }

  /**
   * Cuts or restores the direction. Cutting discards what is queued, as a severed link
   * loses the packets on it. Returns whether the direction is restored over a hole in
   * its stream, which the connection must not survive.
   */
  setCut(cut: boolean): boolean {
    if (this.disposed || cut === this.cut) return false;
    this.cut = cut;
    if (!cut) return this.lostBytes;
    if (this.discardQueue() > 0) this.lostBytes = true;
    this.resumeSourceIfRoom();
    return false;
  }

  /** Whether items wait for the sink; a sink closing with items waiting lost them. */
  hasQueued(): boolean {
    return !this.isEmpty();
  }

  /** Stops all work; what is still queued counts as dropped. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.discardQueue();
  }

  private enqueue(item: QueuedItem, bytes: number): void {
    const wasEmpty = this.isEmpty();
    this.items.push(item);
    this.lastDueAtMs = item.dueAtMs;
    this.queuedBytes += bytes;
    this.options.gauge.bytes += bytes;
    this.options.gauge.bytesPeak = Math.max(this.options.gauge.bytesPeak, this.queuedBytes);
    // invariant: a non-empty queue has a timer armed or waits for 'drain'
    if (wasEmpty && !this.awaitingDrain) this.arm(item.dueAtMs - performance.now());
  }

  private arm(waitMs: number): void {
    assert(this.timer === undefined, 'a delayed pipe arms one timer at a time');
    // setTimeout may fire a fraction of a millisecond early: round up, and flush rechecks
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.ceil(waitMs)));
  }

  private readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.awaitingDrain = false;
    while (!this.disposed && !this.awaitingDrain) {
      const item = this.items[this.head];
      if (item === undefined) break;
      const waitMs = item.dueAtMs - performance.now();
      if (waitMs > 0) {
        this.arm(waitMs);
        break;
      }
      this.shift(item);
      this.deliver(item);
    }
    this.resumeSourceIfRoom();
  };

  private deliver(item: QueuedItem): void {
    const { sink } = this.options;
    if (sink.destroyed || sink.writableEnded) {
      this.countDropped(item);
      this.options.onSinkGone();
      return;
    }
    switch (item.kind) {
      case 'data':
        this.options.counters.bytesDelivered += item.chunk.length;
        if (!sink.write(item.chunk)) {
          this.awaitingDrain = true;
          sink.once('drain', this.flush);
        }
        return;
      case 'end':
        sink.end();
        return;
    }
  }

  private shift(item: QueuedItem): void {
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head >= compactAfterItems && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    if (item.kind === 'data') {
      this.queuedBytes -= item.chunk.length;
      this.options.gauge.bytes -= item.chunk.length;
    }
  }

  /** Empties the queue, counting its bytes as dropped; returns how many items it held. */
  private discardQueue(): number {
    let discarded = 0;
    for (let item = this.items[this.head]; item !== undefined; item = this.items[this.head]) {
      this.shift(item);
      this.countDropped(item);
      discarded += 1;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    return discarded;
  }

  private countDropped(item: QueuedItem): void {
    if (item.kind === 'data') this.options.counters.bytesDropped += item.chunk.length;
  }

  /** Resumes at half the bound, so a queue near the bound does not pause and resume per chunk. */
  private resumeSourceIfRoom(): void {
    if (!this.sourcePaused || this.disposed || this.queuedBytes > this.options.queuedBytesMax / 2) return;
    this.sourcePaused = false;
    this.options.source.resume();
  }

  private isEmpty(): boolean {
    return this.items[this.head] === undefined;
  }
}
