import type pg from 'pg';
import type { Logger } from '../../lib/logger/logger.js';
import type { Migration } from './metadata-migrations.js';
import { SchemaTooNewError } from './schema-too-new-error.js';

/**
 * Key of the advisory lock that serializes migrations of one database: two processes
 * starting at once must not both apply the same step. An arbitrary constant ('2PCm'),
 * fixed forever, because every version of this code must take the same lock.
 */
const migrationLockKey = 0x3250_436d;

/**
 * Brings the schema up to the last migration: each missing one in its own transaction,
 * recorded in `schema_migrations`, under a transaction-scoped advisory lock (released by
 * COMMIT or ROLLBACK, so a crashed process cannot leave it held). Returns the versions
 * applied now.
 */
export async function applyMigrations(pool: pg.Pool, migrations: readonly Migration[], logger: Logger): Promise<number[]> {
  const applied: number[] = [];
  const latest = migrations.at(-1)?.version ?? 0;
  for (const migration of migrations) {
    const client = await pool.connect();
    // a session that dies mid-migration (a PostgreSQL restart) emits 'error' on the checked-out
    // client as well as failing the statement, and unheard that ends the process
    const onConnectionError = (err: Error): void => logger.warn({ err, version: migration.version }, 'the PostgreSQL session of a schema migration failed');
    client.on('error', onConnectionError);
    let failure: unknown;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > latest) throw new SchemaTooNewError(current, latest);
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.rowCount === 0) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
    } catch (err) {
      failure = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.removeListener('error', onConnectionError);
      // a connection that failed is not handed to the next user
      client.release(failure instanceof Error ? failure : undefined);
    }
  }
  if (applied.length > 0) logger.info({ applied, version: latest }, 'metadata schema migrated');
  return applied;
}
