import type pg from 'pg';

/**
 * Runs `work` in one transaction on a connection of `pool`, under the transaction-scoped
 * advisory lock `lockKey` (released by COMMIT or ROLLBACK, so a process that dies cannot
 * leave it held): how processes starting at once on one database make or migrate its
 * schema one at a time. A session that fails meanwhile emits 'error' on the checked-out
 * client as well as failing the statement; `onSessionError` hears it (unheard, it would
 * end the process), and that connection is not handed to the next user.
 */
export async function inLockedTransaction<T>(pool: pg.Pool, lockKey: number, onSessionError: (err: Error) => void, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  client.on('error', onSessionError);
  let failure: unknown;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.removeListener('error', onSessionError);
    client.release(failure instanceof Error ? failure : undefined);
  }
}
