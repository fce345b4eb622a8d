import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { FaultProxy } from '../lib/fault-proxy/fault-proxy.js';
import { selfCommand } from '../lib/self-command/self-command.js';
import { Supervisor, type ChildSpec } from '../lib/supervisor/supervisor.js';
import { loadProto } from '../proto/load-proto.js';
import type { AdminClient } from '../proto/gen/twophase/v1/Admin.js';
import { freePort } from '../lib/free-port/free-port.js';

export const processNames = ['coordinator', 'blob', 'metadata', 'gateway', 'postgres'] as const;
export type ProcessName = (typeof processNames)[number];
export const linkNames = ['coordinator', 'blob', 'metadata', 'postgres'] as const;
/** A link is named after the server it leads to: every client of that server crosses it. */
export type LinkName = (typeof linkNames)[number];
export const adminProcesses = ['coordinator', 'blob', 'metadata'] as const;
export type AdminProcess = (typeof adminProcesses)[number];

export interface ChaosSystemEvents {
  say(text: string): void;
}

/**
 * The whole system for a fault-injection run: every process supervised (a killed one is
 * restarted), every link to a server through a FaultProxy, every gRPC server with --admin.
 * Control traffic (admin calls, checks) goes around the proxies.
 */
export class ChaosSystem {
  private constructor(
    readonly dir: string,
    readonly http: string,
    readonly databaseUrl: string,
    private readonly supervisor: Supervisor,
    readonly proxies: Record<LinkName, FaultProxy>,
    private readonly admins: Record<AdminProcess, AdminClient>,
    /** Updated by the supervisor as processes are restarted. */
    private readonly restarts: Record<string, number>,
  ) {}

  static async start(dir: string, events: ChaosSystemEvents, logLevel = 'warn'): Promise<ChaosSystem> {
    const port = { coordinator: 0, blob: 0, metadata: 0, postgres: 0, http: 0 };
    for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
    const proxies = {} as Record<LinkName, FaultProxy>;
    const via = {} as Record<LinkName, number>;
    for (const link of linkNames) {
      proxies[link] = new FaultProxy({ name: link, targetHost: '127.0.0.1', targetPort: port[link] });
      via[link] = await proxies[link].start();
    }
    const restarts: Record<string, number> = {};
    const supervisor = new Supervisor(join(dir, 'logs'), {
      started: () => undefined,
      ready: () => undefined,
      exited: (name, _code, signal, restartInMs) => {
        if (restartInMs === undefined) return;
        restarts[name] = (restarts[name] ?? 0) + 1;
        events.say(`${name} exited (${signal ?? 'error'}); restarting`);
      },
    });
    const self = selfCommand();
    const spec = (name: ProcessName, args: string[], ready: RegExp): ChildSpec => ({
      name,
      command: self.command,
      args: [...self.args, ...args, '--log-level', logLevel === 'warn' ? 'info' : logLevel],
      ready,
    });
    const grpcReady = /"msg":"gRPC server listening"/;
    const local = (p: number): string => `127.0.0.1:${p}`;
    const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port.postgres}/twophase`;
    const proxiedDatabaseUrl = `postgres://postgres:postgres@127.0.0.1:${via.postgres}/twophase`;
    await supervisor.start(spec('postgres', ['postgres', '--data-dir', join(dir, 'postgres'), '--port', String(port.postgres)], /"msg":"postgres ready"/));
    await Promise.all([
      supervisor.start(
        spec(
          'coordinator',
          ['coordinator', '--admin', '--listen', local(port.coordinator), '--data-dir', join(dir, 'coordinator'), '--participant', `blob=${local(via.blob)}`, '--participant', `metadata=${local(via.metadata)}`, '--phase2-call-timeout-ms', '2000', '--prepare-timeout-ms', '10000', '--tx-timeout-ms', '15000'],
          grpcReady,
        ),
      ),
      supervisor.start(spec('blob', ['participant', 'blob', '--admin', '--listen', local(port.blob), '--data-dir', join(dir, 'blob'), '--coordinator', local(via.coordinator)], grpcReady)),
      supervisor.start(
        spec('metadata', ['participant', 'metadata', '--admin', '--listen', local(port.metadata), '--database-url', proxiedDatabaseUrl, '--coordinator', local(via.coordinator)], grpcReady),
      ),
    ]);
    await supervisor.start(spec('gateway', ['gateway', '--listen', local(port.http), '--coordinator', local(via.coordinator), '--call-timeout-ms', '5000'], /"msg":"HTTP gateway listening"/));
    const { Admin } = loadProto().twophase.v1;
    const admins = {
      coordinator: new Admin(local(port.coordinator), grpc.credentials.createInsecure()),
      blob: new Admin(local(port.blob), grpc.credentials.createInsecure()),
      metadata: new Admin(local(port.metadata), grpc.credentials.createInsecure()),
    };
    return new ChaosSystem(dir, `http://${local(port.http)}`, databaseUrl, supervisor, proxies, admins, restarts);
  }

  /** Restarts so far, by process. */
  restartCounts(): Record<string, number> {
    return { ...this.restarts };
  }

  /** SIGKILLs a process (for `postgres`, the postmaster itself); the supervisor restarts it. */
  async kill(name: ProcessName): Promise<void> {
    if (name === 'postgres') {
      const pid = Number((await readFile(join(this.dir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
      return;
    }
    const pid = this.supervisor.pids()[name];
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone: the supervisor is restarting it
      }
    }
  }

  /** Arms failpoints in one process through its Admin service. */
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

  /** Lists the failpoints a process defines. */
  failpoints(process: AdminProcess): Promise<string[]> {
    const admin = this.admins[process];
    return new Promise((resolve, reject) =>
      admin.ListFailpoints({}, waitForReady(), { deadline: new Date(Date.now() + 5_000) }, (err, res) =>
        err || res === undefined ? reject(err) : resolve(res.failpoints.map((f) => f.name)),
      ),
    );
  }

  heal(): void {
    for (const proxy of Object.values(this.proxies)) proxy.heal();
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 3_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const admin of Object.values(this.admins)) admin.close();
    await this.supervisor.stop();
    for (const proxy of Object.values(this.proxies)) await proxy.stop();
  }
}

/** Control calls wait for a restarting process instead of failing at once. */
function waitForReady(): grpc.Metadata {
  return new grpc.Metadata({ waitForReady: true });
}
