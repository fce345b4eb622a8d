import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { onTestFinished } from 'vitest';

export interface DatabaseInspector {
  /** Runs `sql` on a connection of the test's own, outside every branch. */
  rows<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Committed rows per table, and prepared transactions in this database. */
  counts(): Promise<{ files: number; revisions: number; markers: number; prepared: number }>;
  /** Waits until `n` sessions of this database wait for a lock (a writer blocked on a file's row). */
  waitForLockWaiters(n: number): Promise<void>;
}

const lockWaitTimeoutMs = 10_000;

/** Looks at a test database the way an operator would: committed state only. Closed when the test ends. */
export async function inspectDatabase(databaseUrl: string): Promise<DatabaseInspector> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  onTestFinished(() => client.end().catch(() => undefined));
  const inspector: DatabaseInspector = {
    async rows<R extends pg.QueryResultRow>(sql: string, values?: unknown[]) {
      return (await client.query<R>(sql, values)).rows;
    },
    async counts() {
      const [row] = await inspector.rows<{ files: number; revisions: number; markers: number; prepared: number }>(`
        SELECT (SELECT count(*)::int FROM files) AS files,
               (SELECT count(*)::int FROM revisions) AS revisions,
               (SELECT count(*)::int FROM tx_markers) AS markers,
               (SELECT count(*)::int FROM pg_prepared_xacts WHERE database = current_database()) AS prepared`);
      return row!;
    },
    async waitForLockWaiters(n: number) {
      const deadline = Date.now() + lockWaitTimeoutMs;
      for (;;) {
        const [row] = await inspector.rows<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (row!.waiting >= n) return;
        if (Date.now() > deadline) throw new Error(`${n} lock waiters expected, ${row!.waiting} seen`);
        await sleep(10);
      }
    },
  };
  return inspector;
}
