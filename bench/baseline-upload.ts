import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** The database the baseline writes to: beside twophase's own, in the same cluster. */
const databaseName = 'bench_baseline';
/** Connections left for the participants' own work while the baseline runs. */
const connectionsSpare = 8;
const connectionsWaitMsMax = 20_000;

/**
 * The naive, non-atomic upload that twophase is measured against: write the bytes to a
 * file and fsync it and its directory, then record the revision with ONE autocommit
 * INSERT. No coordinator, no prepare: a crash between the two steps leaves an orphan
 * file (or, in the other order, a row naming missing bytes) — the problem twophase solves.
 */
export class BaselineUpload {
  private constructor(
    private readonly dir: string,
    private readonly pool: pg.Pool,
  ) {}

  /** Creates the baseline's database and table (once per bench run) and returns the database's URL. */
  static async prepare(postgresUrl: (database: string) => string): Promise<string> {
    const admin = new pg.Client({ connectionString: postgresUrl('postgres') });
    // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
      if (rowCount === 0) await admin.query(`CREATE DATABASE ${databaseName}`);
    } finally {
      await admin.end();
    }
    const url = postgresUrl(databaseName);
    const client = new pg.Client({ connectionString: url });
    // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
    client.on('error', () => undefined);
    await client.connect();
    try {
      // the shape of twophase's own revisions table, so the INSERT costs the same
      await client.query(`CREATE TABLE IF NOT EXISTS revisions (
        namespace text NOT NULL,
        path text NOT NULL,
        revision bigint NOT NULL,
        sha256 text NOT NULL,
        size bigint NOT NULL,
        content_type text NOT NULL,
        created timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, path, revision)
      )`);
    } finally {
      await client.end();
    }
    return url;
  }

  /**
   * A baseline client with a pool of `poolSize` connections (one per concurrent upload).
   * First waits (bounded) until the cluster has that many connections free: the metadata
   * participant keeps up to 72 idle ones for 10 s after a twophase run, and dev's cluster
   * allows 100, so a baseline started at once could be refused "too many clients".
   */
  static async open(databaseUrl: string, dir: string, poolSize: number): Promise<BaselineUpload> {
    await waitForFreeConnections(databaseUrl, poolSize + connectionsSpare, connectionsWaitMsMax);
    await mkdir(dir, { recursive: true });
    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined); // an idle connection that fails is replaced; the next query reports it
    return new BaselineUpload(dir, pool);
  }

  /**
   * `content` whole, or as chunks as they arrive (an HTTP body): each chunk is hashed and
   * written at the end of the file as it comes, so a streamed upload holds one chunk at a
   * time, as the gateway does.
   */
  async upload(namespace: string, path: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(join(this.dir, path.replaceAll('/', '_')), 'wx');
    try {
      for await (const chunk of content instanceof Uint8Array ? [content] : content) {
        hash.update(chunk);
        size += chunk.byteLength;
        await writeAll(file, chunk);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    // the new name is durable only once its directory is
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    const sha256 = hash.digest('hex');
    await this.pool.query('INSERT INTO revisions (namespace, path, revision, sha256, size, content_type) VALUES ($1, $2, 1, $3, $4, $5)', [
      namespace,
      path,
      sha256,
      size,
      'application/octet-stream',
    ]);
    return { sha256, size };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Writes `chunk` at the file's own position (its end, here): a write may take less than asked. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset, null);
    if (bytesWritten === 0) throw new Error(`a write of ${chunk.byteLength - offset} bytes wrote none`);
    offset += bytesWritten;
  }
}

/** Polls until `needed` connections are free below max_connections (minus the superuser reserve), or throws after `waitMsMax`. */
async function waitForFreeConnections(databaseUrl: string, needed: number, waitMsMax: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
  client.on('error', () => undefined);
  await client.connect();
  try {
    const giveUpAt = Date.now() + waitMsMax;
    for (;;) {
      const { rows } = await client.query<{ free: number }>(
        `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
                - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS free`,
      );
      const free = rows[0]?.free ?? 0;
      if (free >= needed) return;
      if (Date.now() > giveUpAt) throw new Error(`only ${free} PostgreSQL connections are free after ${waitMsMax} ms; the baseline needs ${needed}`);
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}
