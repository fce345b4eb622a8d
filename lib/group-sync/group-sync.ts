/**
 * Group commit for a flush that covers everything done before it starts (an fsync of a
 * directory, say): concurrent callers of one key share runs. A caller is answered by the
 * first run that *starts* after its call, so whatever it changed before calling is covered;
 * while a run is in flight, every new caller joins the single run queued behind it.
 * So N concurrent callers of one key cost at most two runs, not N.
 *
 * A failed run rejects every caller it was to answer; the next caller starts a new run
 * (callers that must never retry a failed flush, as after a failed fsync, stop first).
 */
export class GroupSync {
  private readonly keys = new Map<string, { readonly running: Promise<void>; next: Promise<void> | undefined }>();
  /** Runs started, for counters and tests. */
  runs = 0;

  constructor(private readonly flush: (key: string) => Promise<void>) {}

  /** Resolves once a flush of `key` that started after this call has completed. */
  sync(key: string): Promise<void> {
    const entry = this.keys.get(key);
    if (entry === undefined) return this.start(key);
    // the flush in flight may have started before the caller's change: wait for the next one
    entry.next ??= entry.running.then(
      () => this.start(key),
      () => this.start(key),
    );
    return entry.next;
  }

  private start(key: string): Promise<void> {
    this.runs++;
    const running = this.flush(key);
    const entry = { running, next: undefined as Promise<void> | undefined };
    this.keys.set(key, entry);
    const done = (): void => {
      // a queued run replaced this entry when it started; only the last one clears the key
      if (this.keys.get(key) === entry && entry.next === undefined) this.keys.delete(key);
    };
    running.then(done, done);
    return running;
  }
}
