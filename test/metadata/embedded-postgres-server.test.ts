import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedPostgresServer } from '../../lib/embedded-postgres/embedded-postgres-server.js';
import { clusterProcesses } from '../../lib/embedded-postgres/cluster-processes.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { makePostgresDir } from '../support/make-postgres-dir.js';
import { recordUncaughtErrors } from '../support/record-uncaught-errors.js';
import { spawnAbandonedPostgres } from '../support/spawn-abandoned-postgres.js';

async function newServer(dataDir: string, logMessages?: string[]): Promise<EmbeddedPostgresServer> {
  const logger = logMessages === undefined ? undefined : pino({ level: 'info' }, { write: (line: string) => void logMessages.push((JSON.parse(line) as { msg: string }).msg) });
  const server = new EmbeddedPostgresServer({ dataDir, port: await freePort(), maxPreparedTransactions: 8, ...(logger === undefined ? {} : { logger }) });
  onTestFinished(() => server.stop());
  return server;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('EmbeddedPostgresServer', () => {
  it('a prepared transaction survives kill -9 of the whole cluster and is found after restart', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const server = await newServer(dir.dataDir);
    await server.start();
    const url = await server.createDatabase('crash');
    await expect(server.createDatabase('crash')).rejects.toThrow(/already exists/);
    expect(await server.ensureDatabase('crash')).toBe(url);
    await expect(server.createDatabase('x"; DROP DATABASE postgres; --')).rejects.toThrow(/expected \[A-Za-z_\]/);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('CREATE TABLE t (x int)');
    await client.query('BEGIN');
    await client.query('INSERT INTO t VALUES (1)');
    await client.query("PREPARE TRANSACTION 'survivor'");
    await client.query('SELECT pg_sleep(0)'); // a live backend for kill() to find

    const before = await clusterProcesses.list(dir.dataDir);
    expect(before.length).toBeGreaterThan(2);
    await server.kill();
    expect(await clusterProcesses.list(dir.dataDir)).toEqual([]);
    await client.end().catch(() => undefined);

    await server.start();
    expect(await query(url, 'SELECT gid FROM pg_prepared_xacts')).toEqual([{ gid: 'survivor' }]);
    await query(url, "COMMIT PREPARED 'survivor'");
    expect(await query(url, 'SELECT x FROM t')).toEqual([{ x: 1 }]);
  });

  it('a kill while a database is being created fails the creation and raises no uncaught error', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const server = await newServer(dir.dataDir);
    await server.start();
    // a session on the template keeps CREATE DATABASE waiting (up to 5 s) for it to leave
    const onTemplate = new pg.Client({ connectionString: server.url('template1') });
    onTemplate.on('error', () => undefined);
    await onTemplate.connect();
    onTestFinished(() => onTemplate.end().catch(() => undefined));
    const creating = server.createDatabase('late');
    creating.catch(() => undefined);
    for (;;) {
      const { rows } = await onTemplate.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE DATABASE%'");
      if (rows[0]!.n > 0) break;
      await sleep(10);
    }

    const uncaught = recordUncaughtErrors();
    await server.kill();
    await expect(creating).rejects.toThrow(/Connection terminated unexpectedly/);
    // the socket's end reaches the client after the statement failed
    await sleep(200);
    expect(uncaught).toEqual([]);
    await server.start();
    expect(await query(await server.createDatabase('later'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('start stops a postmaster left running by an earlier run that was SIGKILLed', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const stalePid = await spawnAbandonedPostgres(dir.dataDir, await freePort());
    expect(await clusterProcesses.isAlive(stalePid)).toBe(true);

    const server = await newServer(dir.dataDir);
    await server.start();
    expect(await clusterProcesses.isAlive(stalePid)).toBe(false);
    expect(server.postmasterPid).not.toBe(stalePid);
    expect(await query(server.url(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('start succeeds after the postmaster alone was SIGKILLed, clearing its orphaned backends', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const port = await freePort();
    const stalePid = await spawnAbandonedPostgres(dir.dataDir, port);
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
    client.on('error', () => undefined);
    await client.connect();
    process.kill(stalePid, 'SIGKILL');

    const server = await newServer(dir.dataDir);
    await server.start();
    expect(await query(server.url(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await client.end().catch(() => undefined);
  });

  it('stop and kill return at once when the server already died on its own, and start runs again', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const messages: string[] = [];
    const server = await newServer(dir.dataDir, messages);
    await server.start();
    process.kill(server.postmasterPid!, 'SIGKILL');
    await clusterProcesses.waitGone([server.postmasterPid!], 5_000);
    await server.stop();
    // "at once": stop saw the postmaster gone and waited for no shutdown, rather than for a
    // shutdown of a dead server until its stop timeout
    expect(messages).toContain('embedded PostgreSQL had already exited');
    expect(messages).not.toContain('embedded PostgreSQL did not stop in time; killing it');
    expect(await clusterProcesses.list(dir.dataDir)).toEqual([]);

    await server.start();
    process.kill(server.postmasterPid!, 'SIGKILL');
    await clusterProcesses.waitGone([server.postmasterPid!], 5_000);
    await server.kill();
    await server.start();
    expect(await query(server.url(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('a failed start names the cause from the server log', async () => {
    const dir = await makePostgresDir({ initialised: true });
    onTestFinished(dir.remove);
    const first = await newServer(dir.dataDir);
    await first.start();
    const other = await makePostgresDir();
    onTestFinished(other.remove);
    const clash = new EmbeddedPostgresServer({ dataDir: other.dataDir, port: first.port });
    onTestFinished(() => clash.stop());
    await expect(clash.start()).rejects.toThrow(/could not start on port .*\n[\s\S]*(could not bind|Address already in use|could not create any TCP\/IP sockets)/);
  });
});
