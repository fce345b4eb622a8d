import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { errorText } from '../../lib/error-text/error-text.js';
import type { MetadataConnections } from './metadata-connections.js';
import { revisionColumns, toRecord, type RevisionRow } from './file-revision-reads.js';
import type { ChangeRecord } from './metadata-store.js';

/**
 * The change feed (DESIGN.md, *Interfaces*: every committed change once, in one order all
 * readers agree on). A cursor is given to a revision only after its tx committed, by the
 * sequencer: one transaction that takes feed_sequence's row lock, then — in a statement of
 * its own, whose snapshot sees everything committed up to that moment, the revisions
 * sequenced by the holder before it included — numbers the committed revisions still
 * without one. Sequencers (of this process, or of another sharing the database) follow
 * one another on that lock, so a cursor is visible only once every smaller one is: a
 * reader that has seen cursor c never later meets a change below c. A sequence value
 * taken at write time would not do: a tx that wrote first can commit last, long after
 * (a prepared branch waits for the coordinator), and a reader past its number would miss it.
 *
 * The sequencer runs shortly after each commit of this participant (runs coalesce), and every
 * `limits.feedSequenceIntervalMs` for commits it did not see (a crash between a COMMIT
 * PREPARED and its run, another process on the same database, revisions from before the
 * feed). A reader waiting for changes is woken by a run here that numbered some, and
 * looks again every `limits.feedPollIntervalMs` for another process's.
 */
export class ChangeFeed {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private delay: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly connections: MetadataConnections,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.run(), limits.feedSequenceIntervalMs);
    this.timer.unref();
    this.run();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.delay);
    this.timer = undefined;
    this.delay = undefined;
    for (const wake of this.waiters) wake();
  }

  /**
   * A sequencer run soon: `limits.feedSequenceDelayMs` from now (commits that come meanwhile
   * share the run: each run is a synced transaction of its own), or right after the one
   * running (a commit it may not have seen).
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    if (this.delay !== undefined) return;
    this.delay = setTimeout(() => {
      this.delay = undefined;
      this.run();
    }, limits.feedSequenceDelayMs);
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.sequenceAll()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn({ err: errorText(err) }, 'the change feed sequencer failed; the next run sequences what this one did not'))
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer !== undefined) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Sequencer runs until none is left unnumbered (each numbers at most a batch). Resolves when done. */
  async sequenceAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sequenceOnce();
      total += n;
      if (n > 0) for (const wake of [...this.waiters]) wake();
      if (n < limits.feedSequenceBatchMax) return total;
    }
  }

  /** The changes of a namespace after `afterCursor`, at most `limit`, in cursor order. */
  async read(namespace: string, afterCursor: number, limit: number): Promise<ChangeRecord[]> {
    const { rows } = await this.connections.query<RevisionRow & { feed_cursor: string }>(
      `SELECT r.feed_cursor, ${revisionColumns} FROM revisions r
       WHERE r.namespace = $1 AND r.feed_cursor > $2 ORDER BY r.feed_cursor LIMIT $3`,
      [namespace, afterCursor, limit],
    );
    return rows.map((row) => ({ cursor: Number(row.feed_cursor), revision: toRecord(row) }));
  }

  /** Resolves when a run here numbered changes, after `limits.feedPollIntervalMs` at most, or when `signal` aborts. */
  waitForChanges(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, limits.feedPollIntervalMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  /** One sequencer transaction: numbers up to a batch of committed revisions without a cursor; returns how many. */
  private async sequenceOnce(): Promise<number> {
    const client = await this.connections.sharedClient();
    let failure: Error | undefined;
    try {
      // READ COMMITTED whatever the server's default: each statement's own snapshot is the argument above
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      // the lock first, in a statement of its own: the next statement's snapshot then
      // sees every revision an earlier holder numbered, and every commit until now
      const { rows } = await client.query<{ last_cursor: string }>('SELECT last_cursor FROM feed_sequence WHERE id = 1 FOR UPDATE');
      const last = Number(rows[0]!.last_cursor);
      const numbered = await client.query<{ feed_cursor: string }>(
        `WITH pending AS (
           SELECT namespace, path, revision, row_number() OVER (ORDER BY created_at, namespace, path, revision) AS k
           FROM revisions WHERE feed_cursor IS NULL ORDER BY created_at, namespace, path, revision LIMIT $2
         )
         UPDATE revisions r SET feed_cursor = $1::bigint + p.k
         FROM pending p
         WHERE r.namespace = p.namespace AND r.path = p.path AND r.revision = p.revision AND r.feed_cursor IS NULL
         RETURNING r.feed_cursor`,
        [last, limits.feedSequenceBatchMax],
      );
      const n = numbered.rowCount ?? 0;
      // the highest cursor given, not last + n: the counter never falls behind a cursor in use
      const highest = Math.max(last, ...numbered.rows.map((r) => Number(r.feed_cursor)));
      if (n > 0) await client.query('UPDATE feed_sequence SET last_cursor = $1 WHERE id = 1', [highest]);
      await client.query('COMMIT');
      return n;
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(failure);
    }
  }
}
