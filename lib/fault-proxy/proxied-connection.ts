import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { BlackholeDirection } from './blackhole.js';
import { DelayedPipe, type DirectionCounters, type QueueGauge } from './delayed-pipe.js';
import { resetSocket } from './reset-socket.js';

export interface ProxiedConnectionOptions {
  /** The socket the proxy accepted. */
  readonly client: Socket;
  /** The socket the proxy opened to the target; may still be connecting. */
  readonly upstream: Socket;
  readonly forward: DirectionCounters;
  readonly backward: DirectionCounters;
  readonly gauge: QueueGauge;
  readonly queuedBytesMax: number;
  readonly delayMs: () => number;
  readonly forwardCut: boolean;
  readonly backwardCut: boolean;
  /** The blackhole the connection starts in. */
  readonly blackhole: BlackholeDirection | 'none';
  readonly logger: Logger;
  /** The target refused or could not be reached. */
  readonly onUpstreamConnectFailure: () => void;
  /** Called once, when both sockets are closed. */
  readonly onClosed: (connection: ProxiedConnection) => void;
}

/** Per socket: what the proxy has seen of it. */
interface SideState {
  ended: boolean;
  closed: boolean;
}

/**
 * One client connection and the proxy's own connection to the target, joined by a
 * delayed pipe each way. Either socket failing resets both, so each peer sees the
 * connection die as it would without the proxy.
 */
export class ProxiedConnection {
  private readonly forward: DelayedPipe;
  private readonly backward: DelayedPipe;
  private readonly clientSide: SideState = { ended: false, closed: false };
  private readonly upstreamSide: SideState = { ended: false, closed: false };
  private upstreamConnected = false;
  private finished = false;
  /** The cuts the proxy's partition asks for; a blackhole cuts both ways on top of them. */
  private partitionCut: { forward: boolean; backward: boolean };
  private blackhole: BlackholeDirection | 'none' = 'none';
  /** A socket failed or closed while blackholed: its peer is told once the blackhole lifts. */
  private sideLostInBlackhole = false;

  constructor(private readonly options: ProxiedConnectionOptions) {
    const { client, upstream } = options;
    this.partitionCut = { forward: options.forwardCut, backward: options.backwardCut };
    this.blackhole = options.blackhole;
    const common = { gauge: options.gauge, queuedBytesMax: options.queuedBytesMax, delayMs: options.delayMs };
    this.forward = new DelayedPipe({
      ...common,
      source: client,
      sink: upstream,
      counters: options.forward,
      cut: options.forwardCut || options.blackhole === 'both',
      onSinkGone: () => this.reset('target closed while the client still sends'),
    });
    this.backward = new DelayedPipe({
      ...common,
      source: upstream,
      sink: client,
      counters: options.backward,
      cut: options.backwardCut || options.blackhole !== 'none',
      onSinkGone: () => this.reset('client closed while the target still sends'),
    });
    // the proxy must not add Nagle's coalescing delay on top of the configured one
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.forward.accept(chunk));
    upstream.on('data', (chunk: Buffer) => this.backward.accept(chunk));
    client.on('end', () => this.onEnd(this.clientSide, this.forward));
    upstream.on('end', () => this.onEnd(this.upstreamSide, this.backward));
    client.on('error', (err) => this.onError('client', err));
    upstream.on('error', (err) => this.onError('upstream', err));
    upstream.once('connect', () => {
      this.upstreamConnected = true;
    });
    client.on('close', () => this.onClose(this.clientSide, this.backward));
    upstream.on('close', () => this.onClose(this.upstreamSide, this.forward));
  }

  /**
   * Applies the proxy's partition. A direction restored after it lost bytes leaves a
   * stream with a hole, which real TCP never delivers (it retransmits or gives up), so
   * such a connection is reset rather than handed corrupt framing.
   */
  setCut(forwardCut: boolean, backwardCut: boolean): void {
    this.partitionCut = { forward: forwardCut, backward: backwardCut };
    this.applyCuts();
  }

  /**
   * A blackhole cuts both directions and also swallows what would tell a peer that the
   * other one is gone (a FIN, a reset, a failed socket), as a link whose packets vanish
   * does: each side learns only through its own timeouts. Once lifted, a connection that
   * lost bytes or a socket is reset, as a peer's next packet would be answered by a reset.
   */
  setBlackhole(blackhole: BlackholeDirection | 'none'): void {
    if (blackhole === this.blackhole) return;
    this.blackhole = blackhole;
    if (blackhole === 'none' && this.sideLostInBlackhole) {
      this.reset('blackhole lifted over a connection that lost a socket');
      return;
    }
    this.applyCuts();
  }

  private applyCuts(): void {
    const forwardHole = this.forward.setCut(this.blackhole === 'both' || this.partitionCut.forward);
    const backwardHole = this.backward.setCut(this.blackhole !== 'none' || this.partitionCut.backward);
    if (forwardHole || backwardHole) this.reset('partition healed over a stream that lost bytes');
  }

  /** Resets both sockets and stops both pipes; idempotent. */
  reset(reason: string): void {
    if (!this.finished) this.options.logger.debug({ reason }, 'fault proxy resets a connection');
    resetSocket(this.options.client);
    resetSocket(this.options.upstream);
    this.finish();
  }

  private onEnd(side: SideState, pipe: DelayedPipe): void {
    side.ended = true;
    pipe.acceptEnd();
  }

  private onError(which: 'client' | 'upstream', err: Error): void {
    if (which === 'upstream' && !this.upstreamConnected && !this.finished) this.options.onUpstreamConnectFailure();
    // resets and refusals are the faults this proxy exists to cause or pass on
    this.options.logger.debug({ err, socket: which }, 'fault proxy socket error');
    if (this.blackhole !== 'none') {
      // the other side must not hear of it through the blackhole
      this.sideLostInBlackhole = true;
      (which === 'client' ? this.options.client : this.options.upstream).destroy();
      return;
    }
    this.reset(`${which} socket failed`);
  }

  /**
   * A socket that closed after an orderly FIN each way lets the peer finish on its own:
   * the pipe toward the peer still delivers what is queued and then the FIN. Any other
   * close (an RST, a destroy before FIN, bytes that can no longer be delivered) resets
   * the peer too.
   */
  private onClose(side: SideState, pipeTowardSide: DelayedPipe): void {
    side.closed = true;
    if (this.clientSide.closed && this.upstreamSide.closed) {
      this.finish();
      return;
    }
    if (this.blackhole !== 'none') {
      this.sideLostInBlackhole = true;
      return;
    }
    if (!side.ended || pipeTowardSide.hasQueued()) this.reset('one side closed before its stream ended');
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.forward.dispose();
    this.backward.dispose();
    this.options.onClosed(this);
  }
}
