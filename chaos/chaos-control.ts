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
  /** Coordinators beside the first (several on a shared log), by name: their counters are checked too. */
  private readonly otherCoordinatorAdmins = new Map<string, AdminClient>();

  constructor(
    addresses: Record<AdminProcess, string>,
    private readonly databaseUrl: string,
    /** Mutual TLS to a deployment that requires it (an admin identity's certificate); plaintext by default. */
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    otherCoordinators: ReadonlyMap<string, string> = new Map(),
  ) {
    const { Admin } = loadProto().twophase.v1;
    const client = (address: string): AdminClient => new Admin(address, credentials);
    this.admins = { coordinator: client(addresses.coordinator), blob: client(addresses.blob), metadata: client(addresses.metadata) };
    for (const [name, address] of otherCoordinators) this.otherCoordinatorAdmins.set(name, client(address));
  }

  /** The counters of each other coordinator still running, by name; rejects if one cannot be reached. */
  async otherCoordinatorStats(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, admin] of this.otherCoordinatorAdmins) {
      out[name] = await new Promise((resolve, reject) =>
        admin.GetStats({}, waitForReady(), { deadline: new Date(Date.now() + 3_000) }, (err, res) => (err || res === undefined ? reject(err) : resolve(res.stats))),
      );
    }
    return out;
  }

  /** A coordinator that is gone for good: no longer asked. */
  protected forget(name: string): void {
    this.otherCoordinatorAdmins.get(name)?.close();
    this.otherCoordinatorAdmins.delete(name);
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
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 3_000, query_timeout: 30_000 });
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
    for (const admin of [...Object.values(this.admins), ...this.otherCoordinatorAdmins.values()]) admin.close();
  }
}

/** Control calls wait for a restarting process instead of failing at once. */
function waitForReady(): grpc.Metadata {
  return new grpc.Metadata({ waitForReady: true });
}
