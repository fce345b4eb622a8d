/**
 * Keys, each with the one time it is next due, earliest first: a binary min-heap with an
 * index from key to position, so that setting, moving and deleting a key's time are
 * O(log n) and taking what is due is O(due · log n). A protocol core keeps one beside its
 * map of live things, so that a clock tick visits only what is due instead of scanning
 * them all. Keys due at the same time come out in the order their time was set. Holds at
 * most one entry per key: its size is bounded by the caller's own map.
 */
export class DueQueue<K> {
  private readonly heap: { readonly key: K; readonly atMs: number; readonly seq: number }[] = [];
  private readonly positions = new Map<K, number>();
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  has(key: K): boolean {
    return this.positions.has(key);
  }

  /** The time `key` is due at, or undefined when it is not queued. */
  atMsOf(key: K): number | undefined {
    const at = this.positions.get(key);
    return at === undefined ? undefined : this.heap[at]?.atMs;
  }

  /** Queues `key` at `atMs`, replacing its earlier time; `undefined` removes it. */
  set(key: K, atMs: number | undefined): void {
    if (atMs === undefined) {
      this.delete(key);
      return;
    }
    const at = this.positions.get(key);
    if (at !== undefined && this.heap[at]?.atMs === atMs) return;
    if (at !== undefined) this.removeAt(at);
    this.heap.push({ key, atMs, seq: this.nextSeq++ });
    this.positions.set(key, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  delete(key: K): void {
    const at = this.positions.get(key);
    if (at !== undefined) this.removeAt(at);
  }

  /** Removes and returns every key due at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): K[] {
    const due: K[] = [];
    for (let top = this.heap[0]; top !== undefined && top.atMs <= nowMs; top = this.heap[0]) {
      due.push(top.key);
      this.removeAt(0);
    }
    return due;
  }

  private removeAt(at: number): void {
    const removed = this.heap[at];
    const last = this.heap.pop();
    if (removed === undefined || last === undefined) return;
    this.positions.delete(removed.key);
    if (at === this.heap.length) return;
    this.heap[at] = last;
    this.positions.set(last.key, at);
    this.down(this.up(at));
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x === undefined || y === undefined) return false;
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x === undefined || y === undefined) return;
    this.heap[a] = y;
    this.heap[b] = x;
    this.positions.set(y.key, a);
    this.positions.set(x.key, b);
  }

  /** Moves the entry at `at` up while it is earlier than its parent; returns where it ends. */
  private up(at: number): number {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private down(at: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < this.heap.length && this.before(left, first)) first = left;
      if (right < this.heap.length && this.before(right, first)) first = right;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }
}
