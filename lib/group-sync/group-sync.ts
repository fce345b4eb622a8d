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
  private readonly keys = new Map<string, { readonly running: Promise<void>; next: Promise<void> | undefined; readonly nextTags: Set<string> }>();
  /** Runs started, for counters and tests. */
  runs = 0;

  /** `flush` is told the key and the tags of every caller the run answers (see `sync`). */
  constructor(private readonly flush: (key: string, tags: readonly string[]) => Promise<void>) {}

  /**
   * Resolves once a flush of `key` that started after this call has completed. `tag` says
   * who asks (e.g. the call site), so that a run shared by several callers can name them all.
   */
  sync(key: string, tag = ''): Promise<void> {
    const entry = this.keys.get(key);
    if (entry === undefined) return this.start(key, [tag]);
    // the flush in flight may have started before the caller's change: wait for the next one
    entry.nextTags.add(tag);
    entry.next ??= entry.running.then(
      () => this.start(key, [...entry.nextTags]),
      () => this.start(key, [...entry.nextTags]),
    );
    return entry.next;
  }

  private start(key: string, tags: readonly string[]): Promise<void> {
    this.runs++;
    const running = this.flush(key, tags);
    const entry = { running, next: undefined as Promise<void> | undefined, nextTags: new Set<string>() };
    this.keys.set(key, entry);
    const done = (): void => {
      // a queued run replaced this entry when it started; only the last one clears the key
      if (this.keys.get(key) === entry && entry.next === undefined) this.keys.delete(key);
    };
    running.then(done, done);
    return running;
  }
}
