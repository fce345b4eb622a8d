import net from 'node:net';
import type { Logger } from 'pino';
import { assert, assertNever } from '../assert/assert.js';
import { silentLogger } from '../logger/logger.js';
import type { DirectionCounters, QueueGauge } from './delayed-pipe.js';
import { limits } from '../limits/limits.js';
import { FaultProxyListenError } from './fault-proxy-listen-error.js';
import type { FaultProxyStats } from './fault-proxy-stats.js';
import type { Partition } from './partition.js';
import type { BlackholeDirection, BlackholeOptions } from './blackhole.js';
import { ProxiedConnection } from './proxied-connection.js';
import { resetSocket } from './reset-socket.js';

export type { FaultProxyStats, DirectionStats } from './fault-proxy-stats.js';
export type { Partition } from './partition.js';
export type { BlackholeDirection, BlackholeOptions } from './blackhole.js';
export { FaultProxyListenError } from './fault-proxy-listen-error.js';

export interface FaultProxyOptions {
  /** Labels the proxy in logs and errors, e.g. `coordinator->blob`. */
  readonly name: string;
  readonly targetHost: string;
  readonly targetPort: number;
  /** Default 127.0.0.1: a chaos proxy has no business on a public interface. */
  readonly listenHost?: string;
  /** Default 0: the system picks a free port, which `start` returns. */
  readonly listenPort?: number;
  /** Bytes one direction of one connection may queue; see `limits.faultProxyQueuedBytesMaxDefault`. */
  readonly queuedBytesMax?: number;
  /** Connections carried at once; more are reset at accept. */
  readonly connectionsMax?: number;
  /** Connection resets and socket errors are logged at debug level. Default: silent. */
  readonly logger?: Logger;
}

type Lifecycle =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting'; readonly server: net.Server; readonly started: Promise<number> }
  | { readonly kind: 'listening'; readonly server: net.Server; readonly port: number }
  | { readonly kind: 'stopping'; readonly stopped: Promise<void> }
  | { readonly kind: 'stopped' };

/**
 * A TCP proxy for one link (say coordinator → blob participant) that injects network
 * faults on command: delay, dropped connections, full and one-way partitions, and a
 * blackhole (traffic swallowed both ways without a reset). It works
 * on bytes, so it serves gRPC, HTTP/2 or anything else over TCP, and every fault can be
 * changed while connections are open.
 *
 * Every socket has an 'error' handler, so a fault never surfaces as an unhandled error;
 * misuse (start twice, a negative delay) is a bug and fails an assertion.
 */
export class FaultProxy {
  private readonly name: string;
  private readonly listenHost: string;
  private readonly listenPort: number;
  private readonly queuedBytesMax: number;
  private readonly connectionsMax: number;
  private readonly logger: Logger;
  private lifecycle: Lifecycle = { kind: 'idle' };
  private readonly connections = new Set<ProxiedConnection>();
  private delayMs = 0;
  private partitioned: Partition | 'none' = 'none';
  /** The blackhole a new connection starts in. */
  private blackholeNew: BlackholeDirection | 'none' = 'none';
  /** Connections accepted while blackholed: held open, never joined to the target, reset at heal. */
  private readonly swallowed = new Set<net.Socket>();
  private connectionsAccepted = 0;
  private connectionsRefused = 0;
  private upstreamConnectFailures = 0;
  private readonly forward: DirectionCounters = { bytesReceived: 0, bytesDelivered: 0, bytesDropped: 0 };
  private readonly backward: DirectionCounters = { bytesReceived: 0, bytesDelivered: 0, bytesDropped: 0 };
  private readonly gauge: QueueGauge = { bytes: 0, bytesPeak: 0 };

  constructor(private readonly options: FaultProxyOptions) {
    assert(options.name.length > 0 && options.name.length <= limits.faultProxyNameLengthMax, `fault proxy name has 1..${limits.faultProxyNameLengthMax} characters`);
    assert(isPort(options.targetPort) && options.targetPort > 0, `fault proxy ${options.name}: targetPort is 1..65535`);
    this.name = options.name;
    this.listenHost = options.listenHost ?? '127.0.0.1';
    this.listenPort = options.listenPort ?? 0;
    assert(isPort(this.listenPort), `fault proxy ${this.name}: listenPort is 0..65535`);
    this.queuedBytesMax = options.queuedBytesMax ?? limits.faultProxyQueuedBytesMaxDefault;
    assert(
      Number.isSafeInteger(this.queuedBytesMax) && this.queuedBytesMax >= limits.faultProxyQueuedBytesMaxMin && this.queuedBytesMax <= limits.faultProxyQueuedBytesMaxMax,
      `fault proxy ${this.name}: queuedBytesMax is ${limits.faultProxyQueuedBytesMaxMin}..${limits.faultProxyQueuedBytesMaxMax}`,
    );
    this.connectionsMax = options.connectionsMax ?? limits.faultProxyConnectionsMaxDefault;
    assert(
      Number.isSafeInteger(this.connectionsMax) && this.connectionsMax >= 1 && this.connectionsMax <= limits.faultProxyConnectionsMaxMax,
      `fault proxy ${this.name}: connectionsMax is 1..${limits.faultProxyConnectionsMaxMax}`,
    );
    this.logger = (options.logger ?? silentLogger()).child({ faultProxy: this.name });
  }

  /**
   * Binds the listening socket and returns its port. Throws `FaultProxyListenError`
   * when it cannot bind; the proxy is then stopped and cannot be started again.
   */
  async start(): Promise<number> {
    assert(this.lifecycle.kind === 'idle', `fault proxy ${this.name} is started once`);
    // allowHalfOpen: a client's FIN must travel through the delay like its bytes, not close the reply path
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
    const started = this.listen(server);
    this.lifecycle = { kind: 'starting', server, started };
    return started;
  }

  /**
   * Stops listening and resets every connection, half-open ones included. Resolves once
   * the listener is closed; safe to call in any state and more than once.
   */
  async stop(): Promise<void> {
    const lifecycle = this.lifecycle;
    switch (lifecycle.kind) {
      case 'idle':
      case 'stopped':
        this.lifecycle = { kind: 'stopped' };
        return;
      case 'stopping':
        return lifecycle.stopped;
      case 'starting':
      case 'listening': {
        // closing a server whose listen() is still resolving its host could leave it bound
        const listened = lifecycle.kind === 'starting' ? lifecycle.started.then(ignore, ignore) : Promise.resolve();
        const stopped = listened.then(() => this.close(lifecycle.server));
        this.lifecycle = { kind: 'stopping', stopped };
        await stopped;
        this.lifecycle = { kind: 'stopped' };
        return;
      }
      default:
        assertNever(lifecycle);
    }
  }

  /**
   * Delivers every chunk, each way, `ms` after it arrives. A chunk keeps the delay it
   * arrived with, and none overtakes an earlier one, so shortening the delay takes
   * effect once the chunks already in flight are delivered. 0 removes the delay.
   */
  setDelay(ms: number): void {
    assert(Number.isFinite(ms) && ms >= 0 && ms <= limits.faultProxyDelayMsMax, `fault proxy ${this.name}: delay is 0..${limits.faultProxyDelayMsMax} ms, got ${ms}`);
    this.delayMs = ms;
  }

  /** Resets every open connection now (each peer sees ECONNRESET); new connections are accepted. */
  dropConnections(): void {
    for (const connection of [...this.connections]) connection.reset('dropConnections');
  }

  /**
   * Partitions the link, replacing any earlier partition; see `Partition`. Bytes already
   * queued in a direction that is cut are lost with it, as on a severed link.
   */
  partition(direction: Partition): void {
    this.partitioned = direction;
    this.applyPartition();
  }

  /**
   * Blackholes the link (see `BlackholeOptions`): bytes vanish, and nobody is told, as on
   * a link whose packets a firewall or a dead route drops. Open connections stay open, with
   * no FIN or reset passed on from either side. Replaces an earlier blackhole; `heal`
   * lifts it; a partition `both` still refuses new connections.
   */
  blackhole(options: BlackholeOptions = {}): void {
    const direction = options.direction ?? 'both';
    this.blackholeNew = (options.scope ?? 'all') === 'all' ? direction : 'none';
    for (const connection of [...this.connections]) connection.setBlackhole(direction);
  }

  /**
   * Removes the delay, any partition and the blackhole. A connection whose stream lost
   * bytes to a one-way partition or a blackhole is reset rather than resumed with a hole
   * in it, and so is every connection accepted while blackholed.
   */
  heal(): void {
    this.delayMs = 0;
    this.partitioned = 'none';
    this.blackholeNew = 'none';
    for (const connection of [...this.connections]) connection.setBlackhole('none');
    this.resetSwallowed();
    this.applyPartition();
  }

  /** A snapshot of the counters; the object does not change afterwards. */
  stats(): FaultProxyStats {
    return {
      connectionsAccepted: this.connectionsAccepted,
      connectionsRefused: this.connectionsRefused,
      upstreamConnectFailures: this.upstreamConnectFailures,
      connectionsOpen: this.connections.size + this.swallowed.size,
      forward: { ...this.forward },
      backward: { ...this.backward },
      queuedBytes: this.gauge.bytes,
      queuedBytesPeak: this.gauge.bytesPeak,
      queuedBytesMax: this.queuedBytesMax,
    };
  }

  private async listen(server: net.Server): Promise<number> {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.listenPort, this.listenHost, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (cause) {
      this.lifecycle = { kind: 'stopped' };
      throw new FaultProxyListenError(this.name, this.listenHost, this.listenPort, { cause });
    }
    // a listening server reports errors of accept(); one lost connection is no reason to crash the run
    server.on('error', (err) => this.logger.warn({ err }, 'fault proxy listener error'));
    const address = server.address();
    assert(address !== null && typeof address === 'object', `fault proxy ${this.name} listens on a TCP address`);
    if (this.lifecycle.kind === 'starting') this.lifecycle = { kind: 'listening', server, port: address.port };
    return address.port;
  }

  private async close(server: net.Server): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      // the callback's error only says the server was not listening, which is the goal anyway
      server.close(() => resolve());
    });
    // server.close waits for every accepted socket, so none may stay open, half-open or not
    for (const connection of [...this.connections]) connection.reset('fault proxy stopped');
    this.resetSwallowed();
    await closed;
  }

  private onConnection(client: net.Socket): void {
    client.on('error', (err) => this.logger.debug({ err }, 'fault proxy client socket error'));
    this.connectionsAccepted += 1;
    const refusal = this.refusal();
    if (refusal !== undefined) {
      this.connectionsRefused += 1;
      this.logger.debug({ reason: refusal }, 'fault proxy refuses a connection');
      resetSocket(client);
      return;
    }
    if (this.blackholeNew === 'both') {
      this.swallow(client);
      return;
    }
    const upstream = net.connect({ host: this.options.targetHost, port: this.options.targetPort, allowHalfOpen: true });
    const connection = new ProxiedConnection({
      client,
      upstream,
      forward: this.forward,
      backward: this.backward,
      gauge: this.gauge,
      queuedBytesMax: this.queuedBytesMax,
      delayMs: () => this.delayMs,
      forwardCut: this.partitioned === 'forward',
      backwardCut: this.partitioned === 'backward',
      blackhole: this.blackholeNew,
      logger: this.logger,
      onUpstreamConnectFailure: () => {
        this.upstreamConnectFailures += 1;
      },
      onClosed: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
  }

  /** Holds `client` open and discards what it sends, without a connection to the target. */
  private swallow(client: net.Socket): void {
    this.swallowed.add(client);
    client.on('data', (chunk: Buffer) => {
      this.forward.bytesReceived += chunk.length;
      this.forward.bytesDropped += chunk.length;
    });
    client.on('close', () => this.swallowed.delete(client));
  }

  private resetSwallowed(): void {
    for (const client of [...this.swallowed]) resetSocket(client);
    this.swallowed.clear();
  }

  private refusal(): string | undefined {
    if (this.lifecycle.kind !== 'listening') return 'the proxy is not listening';
    if (this.partitioned === 'both') return 'partitioned both ways';
    if (this.connections.size >= this.connectionsMax) return `connectionsMax ${this.connectionsMax} reached`;
    return undefined;
  }

  private applyPartition(): void {
    const partitioned = this.partitioned;
    switch (partitioned) {
      case 'both':
        for (const connection of [...this.connections]) connection.reset('partitioned both ways');
        return;
      case 'forward':
      case 'backward':
      case 'none':
        for (const connection of [...this.connections]) connection.setCut(partitioned === 'forward', partitioned === 'backward');
        return;
      default:
        assertNever(partitioned);
    }
  }
}

/** A failed start has already thrown to its own caller; stop only needs it settled. */
function ignore(): void {}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65_535;
}
