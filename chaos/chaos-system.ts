import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultProxy } from '../lib/fault-proxy/fault-proxy.js';
import { selfCommand } from '../lib/self-command/self-command.js';
import { Supervisor, type ChildSpec } from '../lib/supervisor/supervisor.js';
import { freePort } from '../lib/free-port/free-port.js';
import { ChaosControl } from './chaos-control.js';
import { S3Bucket } from './s3-bucket.js';
import { linkNames, processNames, type AdminProcess, type ChaosTarget, type CommitMode, type DecisionLogKind, type LinkName, type ObjectState, type ProcessName } from './chaos-target.js';

export interface ChaosSystemEvents {
  say(text: string): void;
}

/**
 * The whole system for a fault-injection run: every process supervised (a killed one is
 * restarted), every link to a server through a FaultProxy, every gRPC server with --admin.
 * Control traffic (admin calls, checks) goes around the proxies.
 */
const startTimeoutMs = 120_000;

export class ChaosSystem extends ChaosControl implements ChaosTarget {
  readonly killable = processNames;

  private constructor(
    readonly dir: string,
    readonly http: string,
    private readonly supervisor: Supervisor,
    readonly proxies: Record<LinkName, FaultProxy>,
    admin: Record<AdminProcess, string>,
    databaseUrl: string,
    /** Updated by the supervisor as processes are restarted. */
    private readonly restarts: Record<string, number>,
    /** With the blob participant on S3: the bucket on the run's own moto_server. */
    private readonly s3: S3Bucket | undefined,
    /** With several coordinators: the Admin address of each beside the first (`coordinator`), by child name. */
    private readonly others: ReadonlyMap<string, string>,
    /** With several metadata shards: each beside `metadata`, by participant id (also its child name), its Admin address and database. */
    shards: ReadonlyMap<string, { readonly admin: string; readonly databaseUrl: string }>,
  ) {
    super(admin, databaseUrl, undefined, new Map([...others, ...[...shards].map(([id, s]) => [id, s.admin] as const)]), new Map([...shards].map(([id, s]) => [id, s.databaseUrl] as const)));
  }

  /**
   * `unsafeFailpoints`: start the coordinator with --unsafe-failpoints, for a run that arms
   * the mutant switch. `commitMode`: the coordinator's --commit-mode; in last-resource mode
   * its last resource is the metadata participant (the coordinator's default).
   */
  static async start(
    dir: string,
    events: ChaosSystemEvents,
    logLevel = 'warn',
    unsafeFailpoints = false,
    commitMode: CommitMode = 'two-phase',
    blobBackend: BlobBackend = 'local',
    decisionLog: DecisionLogKind = 'file',
    coordinators = 1,
    metadataShards = 1,
  ): Promise<ChaosSystem> {
    const s3 = blobBackend === 's3' ? await S3Bucket.start('twophase-chaos') : undefined;
    const port = { coordinator: 0, blob: 0, metadata: 0, postgres: 0, http: 0 };
    for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
    // several: c1 is `coordinator` (through its link's proxy, killed and restarted by faults);
    // c2… are reached directly and are left alone, but for the one a run kills for good
    const otherPorts = new Map<string, number>();
    for (let i = 2; i <= coordinators; i++) otherPorts.set(`c${i}`, await freePort());
    // several shards: `metadata` (through its link's proxy, killed by faults) and metadata-2…,
    // reached directly, each on a database of its own reached through the PostgreSQL link's proxy
    const shardPorts = new Map<string, number>();
    for (let i = 2; i <= metadataShards; i++) shardPorts.set(`metadata-${i}`, await freePort());
    const shardDatabase = (id: string): string => `twophase_${id.replace('-', '_')}`;
    const proxies = {} as Record<LinkName, FaultProxy>;
    const via = {} as Record<LinkName, number>;
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
    const spec = (name: string, args: string[], ready: RegExp): ChildSpec => ({
      name,
      command: self.command,
      args: [...self.args, ...args, '--log-level', logLevel],
      ready,
    });
    const grpcReady = /"msg":"gRPC server listening"/;
    const local = (p: number): string => `127.0.0.1:${p}`;
    const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port.postgres}/twophase`;
    const startAll = async (): Promise<void> => {
      for (const link of linkNames) {
        proxies[link] = new FaultProxy({ name: link, targetHost: '127.0.0.1', targetPort: port[link] });
        via[link] = await proxies[link].start();
      }
      const proxiedDatabaseUrl = `postgres://postgres:postgres@127.0.0.1:${via.postgres}/twophase`;
      await supervisor.start(spec('postgres', ['postgres', '--data-dir', join(dir, 'postgres'), '--port', String(port.postgres), '--database', ['twophase', ...[...shardPorts.keys()].map(shardDatabase)].join(',')], /"msg":"postgres ready"/));
      // what the participants and the gateway are given: c1 through its proxy, the others direct
      const coordinatorList = coordinators === 1 ? local(via.coordinator) : [`c1=${local(via.coordinator)}`, ...[...otherPorts].map(([id, p]) => `${id}=${local(p)}`)].join(',');
      const coordinatorSpec = (name: string, id: string | undefined, listen: number): ChildSpec =>
        spec(
          name,
          [
            'coordinator',
            '--admin',
            '--listen',
            local(listen),
            ...(id === undefined ? [] : ['--coordinator-id', id]),
            '--data-dir',
            join(dir, name),
            '--participant',
            `blob=${local(via.blob)}`,
            '--participant',
            `metadata=${local(via.metadata)}`,
            ...[...shardPorts].flatMap(([id, p]) => ['--participant', `${id}=${local(p)}`]),
            ...(shardPorts.size === 0 ? [] : ['--metadata-shards', ['metadata', ...shardPorts.keys()].join(',')]),
            '--phase2-call-timeout-ms',
            '2000',
            '--prepare-timeout-ms',
            '10000',
            '--tx-timeout-ms',
            '15000',
            '--commit-mode',
            commitMode,
            ...(decisionLog === 'shared' ? ['--decision-log', proxiedDatabaseUrl] : []),
            ...(unsafeFailpoints ? ['--unsafe-failpoints'] : []),
          ],
          grpcReady,
        );
      await Promise.all([
        supervisor.start(coordinatorSpec('coordinator', coordinators === 1 ? undefined : 'c1', port.coordinator)),
        ...[...otherPorts].map(([id, p]) => supervisor.start(coordinatorSpec(`coordinator-${id}`, id, p))),
        supervisor.start({
          ...spec('blob', ['participant', 'blob', '--admin', '--listen', local(port.blob), '--data-dir', join(dir, 'blob'), ...(s3?.blobFlags ?? []), '--coordinator', coordinatorList], grpcReady),
          ...(s3 === undefined ? {} : { env: s3.credentials }),
        }),
        supervisor.start(
          spec('metadata', ['participant', 'metadata', '--admin', '--listen', local(port.metadata), '--database-url', proxiedDatabaseUrl, '--coordinator', coordinatorList], grpcReady),
        ),
        ...[...shardPorts].map(([id, p]) =>
          supervisor.start(
            spec(
              id,
              ['participant', 'metadata', '--admin', '--participant-id', id, '--listen', local(p), '--database-url', `postgres://postgres:postgres@127.0.0.1:${via.postgres}/${shardDatabase(id)}`, '--coordinator', coordinatorList],
              grpcReady,
            ),
          ),
        ),
      ]);
      await supervisor.start(spec('gateway', ['gateway', '--listen', local(port.http), '--coordinator', coordinatorList, '--call-timeout-ms', '5000', '--auth', 'none'], /"msg":"HTTP gateway listening"/));
    };
    // a child that never gets ready (a port taken meanwhile, a failed initdb) is restarted for ever: bound the wait
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        startAll(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the system did not start within ${startTimeoutMs / 1000} s; see ${join(dir, 'logs')}`)), startTimeoutMs);
        }),
      ]);
    } catch (err) {
      await supervisor.stop();
      for (const proxy of Object.values(proxies)) await proxy.stop();
      await s3?.stop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const admin = { coordinator: local(port.coordinator), blob: local(port.blob), metadata: local(port.metadata) };
    const others = new Map([...otherPorts].map(([id, p]) => [`coordinator-${id}`, local(p)]));
    const shards = new Map([...shardPorts].map(([id, p]) => [id, { admin: local(p), databaseUrl: `postgres://postgres:postgres@127.0.0.1:${port.postgres}/${shardDatabase(id)}` }] as const));
    return new ChaosSystem(dir, `http://${local(port.http)}`, supervisor, proxies, admin, databaseUrl, restarts, s3, others, shards);
  }

  /** The coordinators beside the first, by child name (`coordinator-c2`, …): those a run may kill for good. */
  get otherCoordinators(): readonly string[] {
    return [...this.others.keys()];
  }

  /** SIGKILLs one of the other coordinators and never restarts it: its host is gone for good. */
  async killForGood(name: string): Promise<void> {
    await this.supervisor.retire(name);
    this.forget(name);
  }

  httpFetch(url: string, init?: RequestInit): Promise<Response> {
    return fetch(url, init);
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

  /** Read from the blob store's own directory: the bytes on disk, not what a server says. */
  async objectState(sha256: string): Promise<ObjectState> {
    if (this.s3 !== undefined) return this.s3.objectState(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.dir, 'blob', 'objects', sha256.slice(0, 2), sha256));
    } catch {
      return 'absent';
    }
    return createHash('sha256').update(bytes).digest('hex') === sha256 ? 'present' : 'corrupt';
  }

  async leftoverStaging(): Promise<string> {
    if (this.s3 !== undefined) return this.s3.leftoverStaging();
    const staged = await readdir(join(this.dir, 'blob', 'staging')).catch(() => []);
    // each entry is named <txId>.…
    const txs = new Set(staged.map((name) => name.split('.')[0]));
    return staged.length > 0 ? `${txs.size} staged blob branches (${staged.length} files)` : '';
  }

  heal(): void {
    for (const proxy of Object.values(this.proxies)) proxy.heal();
  }

  async stop(): Promise<void> {
    this.close();
    await this.supervisor.stop();
    for (const proxy of Object.values(this.proxies)) await proxy.stop();
    await this.s3?.stop();
  }
}

/** Where the blob participant of a run keeps its bytes: its data directory, or a bucket of the run's own S3 API server. */
export type BlobBackend = 'local' | 's3';
