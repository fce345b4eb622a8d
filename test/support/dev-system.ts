import { mkdtemp, readFile, readdir, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CliProcess } from './cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { gatewayFetch, type GatewayFetch } from '../../lib/http/gateway-fetch.js';
import { loadTlsMaterial, type TlsMaterial } from '../../lib/tls/tls-material.js';

/** What a request of DevSystem.fetch may say: fetch's init, and `token: null` to send no bearer token (or a string to send that one). */
export type DevFetchInit = RequestInit & { token?: string | null };

/** The whole system started with `twophase dev` in a temp dir on free ports, for end-to-end tests. */
export class DevSystem {
  private constructor(
    readonly dir: string,
    private readonly extraArgs: readonly string[],
    private readonly env: Record<string, string>,
    private readonly options: { readonly built?: boolean },
  ) {}

  /** The running `dev`, and where it listens: set by each start (startAgain takes new ports). */
  proc!: CliProcess;
  http = '';
  coordinator = '';
  postgresPort = 0;
  blob = '';
  metadata = '';

  get databaseUrl(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.postgresPort}/twophase`;
  }

  /** `env`: added to ours for dev and, through it, every child (e.g. OTEL_* settings). */
  static async start(extraArgs: string[] = [], env: Record<string, string> = {}, options: { readonly built?: boolean } = {}): Promise<DevSystem> {
    const dir = await mkdtemp(join(tmpdir(), 'twophase-dev-'));
    // the embedded PostgreSQL runs as the `postgres` user when we are root: it must reach its directory
    await chmod(dir, 0o755);
    const system = new DevSystem(dir, extraArgs, env, options);
    await system.launch();
    const tls = extraArgs.includes('--tls');
    if (tls) system.gateway = gatewayFetch(await readFile(join(dir, 'tls', 'ca.crt')));
    if (extraArgs.includes('jwt')) system.token = (await readFile(join(dir, 'token'), 'utf8')).trim();
    return system;
  }

  /** Requests to the gateway: over HTTPS trusting the dev CA with `--tls`. */
  private gateway: GatewayFetch = gatewayFetch(undefined);
  /** With `--auth jwt`: the token dev printed, for every namespace. */
  token: string | undefined;

  /**
   * A request to the gateway (`path` from /v1/…, or a whole URL) over HTTPS with `--tls`,
   * with dev's bearer token under `--auth jwt` unless `init.token` says otherwise.
   */
  async fetch(path: string, init: DevFetchInit = {}): Promise<Response> {
    const { token: given, ...rest } = init;
    const token = given === undefined ? this.token : given;
    return this.gateway(path.startsWith('http') ? path : `${this.http}${path}`, rest, token ?? undefined);
  }

  /** With `--tls`: the TLS material of one of dev's identities (client, admin, coordinator, blob, metadata, gateway). */
  async identity(name: string): Promise<TlsMaterial | undefined> {
    if (!this.http.startsWith('https:')) return undefined;
    const tls = join(this.dir, 'tls');
    return loadTlsMaterial({ tlsCert: join(tls, `${name}.crt`), tlsKey: join(tls, `${name}.key`), tlsCa: join(tls, 'ca.crt') });
  }

  /** Each child's Prometheus endpoint (dev's --metrics-ports). */
  metricsUrls: Readonly<Record<'coordinator' | 'blob' | 'metadata' | 'gateway', string>> = { coordinator: '', blob: '', metadata: '', gateway: '' };

  /** SIGKILLs `dev` itself and waits for its exit (its children stop by themselves: see stopWithSupervisor). */
  async killDev(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }

  /**
   * Starts `dev` again on the same directory, after it exited, on new free ports: the old
   * ones were free while it was down, and another test running at the same time may hold
   * one of them by now.
   */
  async startAgain(): Promise<void> {
    await this.launch();
  }

  /** Starts dev on free ports and waits until it runs. */
  private async launch(): Promise<void> {
    const [httpPort, coordinatorPort, blobPort, metadataPort, postgresPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const metricsPorts = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const args = [
      'dev',
      '--data-dir',
      this.dir,
      '--http-listen',
      `127.0.0.1:${httpPort}`,
      '--coordinator-port',
      String(coordinatorPort),
      '--blob-port',
      String(blobPort),
      '--metadata-port',
      String(metadataPort),
      '--postgres-port',
      String(postgresPort),
      '--metrics-ports',
      metricsPorts.join(','),
      ...this.extraArgs,
    ];
    this.proc = new CliProcess(args, this.env, this.options);
    await this.proc.waitForLine((l) => l.msg === 'twophase is running', 90_000);
    this.http = `${this.extraArgs.includes('--tls') ? 'https' : 'http'}://127.0.0.1:${httpPort}`;
    this.coordinator = `127.0.0.1:${coordinatorPort}`;
    this.postgresPort = postgresPort;
    this.blob = `127.0.0.1:${blobPort}`;
    this.metadata = `127.0.0.1:${metadataPort}`;
    const [coordinator, blob, metadata, gateway] = metricsPorts.map((port) => `http://127.0.0.1:${port}/metrics`) as [string, string, string, string];
    this.metricsUrls = { coordinator, blob, metadata, gateway };
  }

  /** The postmaster's pid, from its pid file. */
  async postmasterPid(): Promise<number> {
    return Number((await readFile(join(this.dir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  }

  /** Child pids by name, as `dev` recorded them. */
  async pids(): Promise<Record<string, number>> {
    return JSON.parse(await readFile(join(this.dir, 'dev-state.json'), 'utf8')) as Record<string, number>;
  }

  /** SIGKILLs one child (or the postmaster for `postgres-server`) and waits until dev reports it ready again. */
  async killAndAwaitRestart(name: 'coordinator' | 'blob' | 'metadata' | 'gateway' | 'postgres'): Promise<void> {
    const readyBefore = this.readyCount(name);
    if (name === 'postgres') {
      process.kill(await this.postmasterPid(), 'SIGKILL');
    } else {
      process.kill((await this.pids())[name] as number, 'SIGKILL');
    }
    await this.proc.waitForLine(() => this.readyCount(name) > readyBefore, 90_000);
  }

  private readyCount(name: string): number {
    return this.proc.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(`[dev] ${name} ready`)).length;
  }

  /** A query on dev's database, or on another one of its PostgreSQL (a metadata shard's). */
  async query<T extends pg.QueryResultRow>(sql: string, database = 'twophase'): Promise<T[]> {
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${this.postgresPort}/${database}` });
    // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  /** Txs with staged files left at the blob participant (each staging entry is named <txId>.…). */
  async stagedTxs(): Promise<string[]> {
    const staged = await readdir(join(this.dir, 'blob', 'staging')).catch(() => []);
    return [...new Set(staged.map((name) => name.split('.')[0] ?? name))];
  }

  async objectExists(sha256: string): Promise<boolean> {
    return readFile(join(this.dir, 'blob', 'objects', sha256.slice(0, 2), sha256)).then(
      () => true,
      () => false,
    );
  }

  /** Ctrl-C; `beforeRemove` runs once dev has exited, before its directory (logs included) is removed. */
  async stop(beforeRemove?: () => Promise<void>): Promise<void> {
    this.proc.kill('SIGINT');
    const exited = await Promise.race([this.proc.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (exited === 'timeout') this.proc.kill('SIGKILL');
    try {
      await beforeRemove?.();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
