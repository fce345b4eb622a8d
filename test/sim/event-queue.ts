/** A scheduled callback of the simulation. */
interface SimEvent {
  readonly atMs: number;
  /** Tie-breaker: events due at the same instant run in the order they were scheduled. */
  readonly seq: number;
  readonly run: () => void;
}

/**
 * The simulator's agenda: a binary min-heap ordered by (time, scheduling order), so a
 * run is deterministic even when many events fall on the same millisecond.
 */
export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, run: () => void): void {
    const heap = this.heap;
    const event: SimEvent = { atMs, seq: this.seq++, run };
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.atMs < atMs || (parent.atMs === atMs && parent.seq < event.seq)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = event;
  }

  /** Time of the next event, or Infinity when none is scheduled. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]!.atMs;
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let c = heap[left]!;
      if (right < n) {
        const r = heap[right]!;
        if (r.atMs < c.atMs || (r.atMs === c.atMs && r.seq < c.seq)) {
          child = right;
          c = r;
        }
      }
      if (last.atMs < c.atMs || (last.atMs === c.atMs && last.seq < c.seq)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
