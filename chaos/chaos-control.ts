import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { loadProto } from '../proto/load-proto.js';
import type { AdminClient } from '../proto/gen/twophase/v1/Admin.js';
import type { AdminProcess } from './chaos-target.js';

/**
 * The control channel of a run: the Admin service of every gRPC process, and the metadata
 * database, reached directly (never through a fault proxy).
 */
export class ChaosControl {
  private readonly admins: Record<AdminProcess, AdminClient>;
  /** Processes beside the three (other coordinators on a shared log, other metadata shards), by name: their counters are checked too. */
  private readonly extraAdmins = new Map<string, AdminClient>();

  constructor(
    addresses: Record<AdminProcess, string>,
    private readonly databaseUrl: string,
    /** Mutual TLS to a deployment that requires it (an admin identity's certificate); plaintext by default. */
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    extraProcesses: ReadonlyMap<string, string> = new Map(),
    /** The database of each metadata shard beside the first (`databaseUrl`), by participant id. */
    private readonly shardDatabases: ReadonlyMap<string, string> = new Map(),
  ) {
    const { Admin } = loadProto().twophase.v1;
    const client = (address: string): AdminClient => new Admin(address, credentials);
    this.admins = { coordinator: client(addresses.coordinator), blob: client(addresses.blob), metadata: client(addresses.metadata) };
    for (const [name, address] of extraProcesses) this.extraAdmins.set(name, client(address));
  }

  /** The metadata shards: `metadata` (the database of `query`), then each other one. */
  get metadataShards(): readonly string[] {
    return ['metadata', ...this.shardDatabases.keys()];
  }

  /** The counters of each process beside the three that still runs, by name; rejects if one cannot be reached. */
  async extraProcessStats(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, admin] of this.extraAdmins) {
      out[name] = await new Promise((resolve, reject) =>
        admin.GetStats({}, waitForReady(), { deadline: new Date(Date.now() + 3_000) }, (err, res) => (err || res === undefined ? reject(err) : resolve(res.stats))),
      );
    }
    return out;
  }

  /** A process that is gone for good: no longer asked. */
  protected forget(name: string): void {
    this.extraAdmins.get(name)?.close();
    this.extraAdmins.delete(name);
  }

  /** Arms failpoints in one process. Not retried: a process that is down misses the fault. */
  armFailpoints(process: AdminProcess, spec: string): Promise<void> {
    const admin = this.admins[process];
    return new Promise((resolve, reject) =>
      admin.ArmFailpoints({ spec }, { deadline: new Date(Date.now() + 3_000) }, (err) => (err ? reject(err) : resolve())),
    );
  }

  disarmFailpoints(process: AdminProcess): Promise<void> {
    const admin = this.admins[process];
    return new Promise((resolve, reject) =>
      admin.DisarmFailpoints({}, waitForReady(), { deadline: new Date(Date.now() + 3_000) }, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** A process's counters; rejects if it cannot be reached. */
  stats(process: AdminProcess): Promise<Record<string, number>> {
    const admin = this.admins[process];
    return new Promise((resolve, reject) =>
      admin.GetStats({}, waitForReady(), { deadline: new Date(Date.now() + 3_000) }, (err, res) => (err || res === undefined ? reject(err) : resolve(res.stats))),
    );
  }

  /** The failpoints a process defines. */
  failpoints(process: AdminProcess): Promise<string[]> {
    const admin = this.admins[process];
    return new Promise((resolve, reject) =>
      admin.ListFailpoints({}, waitForReady(), { deadline: new Date(Date.now() + 5_000) }, (err, res) =>
        err || res === undefined ? reject(err) : resolve(res.failpoints.map((f) => f.name)),
      ),
    );
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.queryDatabase(this.databaseUrl, sql, params);
  }

  /** A query on the database of a metadata shard (`metadata`: that of `query`), around the fault proxies. */
  async queryShard<T extends pg.QueryResultRow>(shard: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const url = shard === 'metadata' ? this.databaseUrl : this.shardDatabases.get(shard);
    if (url === undefined) throw new Error(`no metadata shard ${shard} in this system`);
    return this.queryDatabase(url, sql, params);
  }

  private async queryDatabase<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000, query_timeout: 30_000 });
    // a server killed mid-query is an error event on the client, and the query's rejection says it
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  close(): void {
    for (const admin of [...Object.values(this.admins), ...this.extraAdmins.values()]) admin.close();
  }
}

/** Control calls wait for a restarting process instead of failing at once. */
function waitForReady(): grpc.Metadata {
  return new grpc.Metadata({ waitForReady: true });
}
