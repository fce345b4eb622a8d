import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { FaultProxy } from '../lib/fault-proxy/fault-proxy.js';
import { loadProto } from '../proto/load-proto.js';
import type { BlobStoreClient } from '../proto/gen/twophase/v1/BlobStore.js';
import { ChaosControl } from './chaos-control.js';
import { gatewayFetch, type GatewayFetch } from '../lib/http/gateway-fetch.js';
import { channelCredentials } from '../lib/tls/transport-credentials.js';
import type { TlsMaterial } from '../lib/tls/tls-material.js';
import { adminProcesses, type AdminProcess, type ChaosTarget, type LinkName, type ObjectState, type ProcessName } from './chaos-target.js';

export interface ProxySpec {
  readonly link: LinkName;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
}

export interface ExternalOptions {
  /** Base URL of the deployment's HTTP gateway. */
  readonly gateway: string;
  /** The metadata database, for the checker (read only). */
  readonly databaseUrl: string;
  /** gRPC address of each process, serving the Admin service (started with --admin). */
  readonly admin: Record<AdminProcess, string>;
  /** Shell command that SIGKILLs one process; `{process}` is replaced by its name. */
  readonly killCommand: string | undefined;
  /** Shell command run after a kill to bring the process back; none when the deployment restarts it itself. */
  readonly restartCommand: string | undefined;
  /** The processes a kill may pick (all five by default). */
  readonly killTargets: readonly ProcessName[];
  /** Fault proxies to start: the deployment must already dial each link through its listen address. */
  readonly proxies: readonly ProxySpec[];
  /** A deployment over mutual TLS: the admin identity's certificate and key, and the CA of its certificates (also trusted for the gateway's HTTPS). */
  readonly tls?: TlsMaterial | undefined;
  /** A gateway that checks bearer tokens: one granting the run's namespace (or every one). */
  readonly token?: string | undefined;
}

const commandTimeoutMs = 60_000;

/**
 * An existing deployment, driven through what any deployment offers: its gateway, the
 * Admin service of each process, a kill (and restart) command, fault proxies its links
 * were pointed through, and read access to its database. Blob objects are read through
 * the BlobStore service.
 */
export class ExternalSystem extends ChaosControl implements ChaosTarget {
  private readonly restarts: Record<string, number> = {};

  private constructor(
    private readonly options: ExternalOptions,
    readonly proxies: Partial<Record<LinkName, FaultProxy>>,
    private readonly blob: BlobStoreClient,
  ) {
    super(options.admin, options.databaseUrl, channelCredentials(options.tls));
    this.gateway = gatewayFetch(options.tls?.ca);
  }

  private readonly gateway: GatewayFetch;

  /** With the deployment's CA for an HTTPS gateway, and its bearer token. */
  httpFetch(url: string, init: RequestInit = {}): Promise<Response> {
    return this.gateway(url, init, this.options.token);
  }

  get http(): string {
    return this.options.gateway.replace(/\/+$/, '');
  }

  get killable(): readonly ProcessName[] {
    return this.options.killCommand === undefined ? [] : this.options.killTargets;
  }

  static async start(options: ExternalOptions): Promise<ExternalSystem> {
    const proxies: Partial<Record<LinkName, FaultProxy>> = {};
    try {
      for (const p of options.proxies) {
        const proxy = new FaultProxy({ name: p.link, listenHost: p.listenHost, listenPort: p.listenPort, targetHost: p.targetHost, targetPort: p.targetPort });
        proxies[p.link] = proxy;
        await proxy.start();
      }
    } catch (err) {
      for (const proxy of Object.values(proxies)) await proxy.stop();
      throw err;
    }
    const { BlobStore } = loadProto().twophase.v1;
    const system = new ExternalSystem(options, proxies, new BlobStore(options.admin.blob, channelCredentials(options.tls)));
    try {
      // fail early, with a clear message, on a deployment that cannot be driven
      await system.query('SELECT 1 FROM revisions LIMIT 1').catch((err: unknown) => {
        throw new Error(`cannot read the revisions table at --database-url: ${err instanceof Error ? err.message : String(err)}`);
      });
      for (const p of adminProcesses) {
        await system.failpoints(p).catch((err: unknown) => {
          throw new Error(`the Admin service of ${p} at ${options.admin[p]} does not answer (was it started with --admin?): ${err instanceof Error ? err.message : String(err)}`);
        });
      }
      const health = await system.httpFetch(`${system.http}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch((err: unknown) => {
        throw new Error(`the gateway at ${system.http} does not answer: ${err instanceof Error ? err.message : String(err)}`);
      });
      if (!health.ok) throw new Error(`the gateway at ${system.http} is not healthy: HTTP ${health.status}`);
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
  }

  async kill(name: ProcessName): Promise<void> {
    if (this.options.killCommand === undefined) throw new Error('no --kill-command');
    await runShell(this.options.killCommand.replaceAll('{process}', name));
    if (this.options.restartCommand !== undefined) {
      await pause(1_000);
      await runShell(this.options.restartCommand.replaceAll('{process}', name));
    }
    this.restarts[name] = (this.restarts[name] ?? 0) + 1;
  }

  heal(): void {
    for (const proxy of Object.values(this.proxies)) proxy.heal();
  }

  /** Streams the object from the BlobStore service and hashes it; retried while the store restarts. */
  async objectState(sha256: string): Promise<ObjectState> {
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.readObject(sha256);
      } catch (err) {
        last = err;
        await pause(1_000);
      }
    }
    throw new Error(`cannot read object ${sha256} from the blob store: ${last instanceof Error ? last.message : String(last)}`);
  }

  private readObject(sha256: string): Promise<ObjectState> {
    return new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      const call = this.blob.Get({ sha256, offset: '0', length: '-1' }, new grpc.Metadata({ waitForReady: true }), { deadline: new Date(Date.now() + 30_000) });
      call.on('data', (res: { chunk: Buffer }) => hash.update(res.chunk));
      call.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.NOT_FOUND ? resolve('absent') : reject(err)));
      call.on('end', () => resolve(hash.digest('hex') === sha256 ? 'present' : 'corrupt'));
    });
  }

  /** The blob store's disk is not at hand: its `branches` counter covers staged branches. */
  leftoverStaging(): Promise<string> {
    return Promise.resolve('');
  }

  /** Kills carried out, by process: the deployment (or the restart command) brings each back. */
  restartCounts(): Record<string, number> {
    return { ...this.restarts };
  }

  async stop(): Promise<void> {
    this.close();
    this.blob.close();
    for (const proxy of Object.values(this.proxies)) await proxy.stop();
  }
}

function runShell(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], timeout: commandTimeoutMs });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2_000)));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`\`${command}\` ${signal === null ? `exited ${code}` : `was killed (${signal})`}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`)),
    );
  });
}
