import pg from 'pg';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { EmbeddedPostgresServer } from '../../lib/embedded-postgres/embedded-postgres-server.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { makePostgresDir } from './make-postgres-dir.js';

export interface PostgresFixture {
  /** The PostgreSQL server of this test file; available from the first test on. */
  readonly server: EmbeddedPostgresServer;
  /**
   * Creates an empty database for the current test and returns its URL. When the test
   * ends, prepared transactions it left in that database are rolled back, so that they
   * neither hold `max_prepared_transactions` slots nor slow later tests down.
   */
  freshDatabase(): Promise<string>;
}

export interface PostgresFixtureOptions {
  /** Default 128 (the server's default). */
  readonly maxPreparedTransactions?: number;
}

/** Another process may take the free port before the server binds it; a new port then. */
const startAttemptsMax = 3;

/**
 * One embedded PostgreSQL server per test file (in a temporary directory, on a free
 * port, from a copy of a cached initialised cluster), started before the first test and
 * removed after the last, and a fresh database per test. Call it at the top of a test file.
 */
export function postgresFixture(options: PostgresFixtureOptions = {}): PostgresFixture {
  let server: EmbeddedPostgresServer | undefined;
  let removeDir: (() => Promise<void>) | undefined;
  let databases = 0;
  // CREATE DATABASE takes ~0.2 s (it copies and fsyncs template1): the next test's database
  // is created while the current test runs
  let next: Promise<string> | undefined;
  const create = (): Promise<string> => {
    databases += 1;
    return server!.createDatabase(`test_${databases}`);
  };

  beforeAll(async () => {
    const dir = await makePostgresDir({ initialised: true });
    removeDir = dir.remove;
    server = await startOnFreePort(dir.dataDir, options);
  });

  afterAll(async () => {
    await next?.catch(() => undefined);
    await server?.stop();
    await removeDir?.();
  });

  return {
    get server() {
      if (server === undefined) throw new Error('the PostgreSQL fixture is used outside a test');
      return server;
    },
    async freshDatabase() {
      if (server === undefined) throw new Error('the PostgreSQL fixture is used outside a test');
      // a prefetch may have failed while a test had the server down (a crash test): create anew
      const url = await (next ?? create()).catch(() => create());
      next = create();
      next.catch(() => undefined);
      onTestFinished(() => rollbackLeftovers(url));
      return url;
    },
  };
}

async function startOnFreePort(dataDir: string, options: PostgresFixtureOptions): Promise<EmbeddedPostgresServer> {
  for (let attempt = 1; ; attempt++) {
    const server = new EmbeddedPostgresServer({ dataDir, port: await freePort(), maxPreparedTransactions: options.maxPreparedTransactions });
    try {
      await server.start();
      return server;
    } catch (err) {
      if (attempt >= startAttemptsMax) throw err;
    }
  }
}

async function rollbackLeftovers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE database = current_database()');
    for (const { gid } of rows) await client.query(`ROLLBACK PREPARED '${gid.replaceAll("'", "''")}'`);
  } catch {
    // the test stopped or killed the server: its leftovers cannot hold anything up any more
  } finally {
    await client.end().catch(() => undefined);
  }
}
