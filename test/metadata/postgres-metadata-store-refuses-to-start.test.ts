import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger/logger.js';
import { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { PreparedTransactionsDisabledError } from '../../participant/metadata/prepared-transactions-disabled-error.js';
import { postgresFixture } from '../support/postgres-fixture.js';

const postgres = postgresFixture({ maxPreparedTransactions: 0 });

describe('PostgresMetadataStore start', () => {
  it('refuses to start where max_prepared_transactions is 0, saying how to set it, and touches nothing', async () => {
    const url = await postgres.freshDatabase();
    const store = new PostgresMetadataStore({ databaseUrl: url, logger: silentLogger() });
    const start = store.start();

    await expect(start).rejects.toBeInstanceOf(PreparedTransactionsDisabledError);
    await expect(start).rejects.toThrow(/max_prepared_transactions = 0/);
    await expect(start).rejects.toThrow(/`max_prepared_transactions = 64`.*postgresql\.conf/);
    await expect(start).rejects.toThrow(/`-c max_prepared_transactions=64`/);
    await expect(start).rejects.toThrow(/restart PostgreSQL/);
    // the password is not in the message
    await expect(start).rejects.not.toThrow(/:postgres@/);
    await store.close();

    const client = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: url }));
    // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    await client.end();
    expect(rows).toEqual([{ n: 0 }]);
  });
});
