import type pg from 'pg';
import type { Logger } from '../../lib/logger/logger.js';
import type { Migration } from './metadata-migrations.js';
import { SchemaTooNewError } from './schema-too-new-error.js';
import { inLockedTransaction } from '../../lib/postgres/locked-transaction.js';

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
    // a session that dies mid-migration (a PostgreSQL restart) fails the statement too
    const onSessionError = (err: Error): void => logger.warn({ err, version: migration.version }, 'the PostgreSQL session of a schema migration failed');
    await inLockedTransaction(pool, migrationLockKey, onSessionError, async (client) => {
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
    });
  }
  if (applied.length > 0) logger.info({ applied, version: latest }, 'metadata schema migrated');
  return applied;
}
