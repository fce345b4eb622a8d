import * as grpc from '@grpc/grpc-js';
import { linkCallsSent } from '../metrics/metrics.js';
import { limits } from '../limits/limits.js';
import { activeTraceparent, inSpan, SpanKind, tracingOn } from '../tracing/tracing.js';

/** A message of a Link answer stream: the call id and the answer or error, named by its oneof case. */
export interface LinkResponseMessage {
  readonly callId: string;
  /** The oneof case set: the answer's field, or `error`. */
  readonly result?: string;
  readonly error?: { readonly code: number; readonly message: string; readonly metadata?: Readonly<Record<string, string>> } | null;
  readonly [field: string]: unknown;
}

/** A message of a Link answer stream: the answers the server had ready at once. */
export interface LinkResponsesMessage {
  readonly answers?: readonly LinkResponseMessage[];
}

/** A Link stream as the generated clients open it (their typed streams are cast to this). */
export type LinkStream = grpc.ClientDuplexStream<{ readonly calls: readonly object[] }, LinkResponsesMessage>;

/** The same call as a unary RPC: used when the server has no Link method. */
export type UnaryFallback = (kind: string, request: object, deadline: Date) => Promise<unknown>;

interface PendingCall {
  readonly kind: string;
  readonly request: object;
  readonly deadline: Date;
  readonly resolve: (response: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The client half of a Link stream (see Coordinator.Link): unary calls multiplexed over one
 * long-lived bidirectional stream, opened on first use and again after it breaks. Each call
 * keeps its own deadline and fails as the unary call would, with a gRPC status error
 * (`code`, `details`), so callers handle both alike. A call in flight when the stream
 * breaks fails with UNAVAILABLE: its fate is unknown, as when a unary call's connection
 * breaks. A server without the Link method (UNIMPLEMENTED) is called unary from then on.
 *
 * Calls made within one turn of the event loop go out in one stream message (sent from a
 * setImmediate, after the turn's I/O callbacks), as the server's answers do: under load a
 * message carries many calls, and the per-message cost of gRPC (framing, the HTTP/2
 * stream, the callbacks on both ends) is paid once for all of them.
 */
export class LinkClient {
  private stream: LinkStream | undefined;
  private readonly pending = new Map<string, PendingCall>();
  private nextCallId = 1;
  private outbox: { readonly message: object; readonly bytes: number }[] = [];
  private flushScheduled = false;
  private unaryOnly = false;
  private closed = false;

  constructor(
    private readonly openStream: () => LinkStream,
    private readonly unary: UnaryFallback,
  ) {}

  /**
   * Runs the call named `kind` (the request's oneof field) and resolves with its answer.
   * `bytes`: the size of the request's byte fields, so that a message stays small.
   */
  call<Res>(kind: string, request: object, deadline: Date, bytes = 0): Promise<Res> {
    linkCallsSent.labels(kind).inc();
    // with tracing on, a client span per call, whose trace context goes with the call
    if (tracingOn()) return inSpan(`call ${kind}`, { kind: SpanKind.CLIENT, attributes: { 'rpc.method': kind } }, () => this.send<Res>(kind, request, deadline, bytes, activeTraceparent()));
    return this.send<Res>(kind, request, deadline, bytes, '');
  }

  private send<Res>(kind: string, request: object, deadline: Date, bytes: number, traceparent: string): Promise<Res> {
    if (this.unaryOnly || this.closed) return this.unary(kind, request, deadline) as Promise<Res>;
    return new Promise<Res>((resolve, reject) => {
      const callId = String(this.nextCallId++);
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        reject(statusError(grpc.status.DEADLINE_EXCEEDED, `${kind}: deadline exceeded`));
      }, Math.max(0, deadline.getTime() - Date.now()));
      this.pending.set(callId, { kind, request, deadline, resolve: resolve as (r: unknown) => void, reject, timer });
      this.outbox.push({ message: { callId, [kind]: request, deadlineUnixMs: String(deadline.getTime()), ...(traceparent === '' ? {} : { traceparent }) }, bytes });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends the calls made since the last flush, in messages of at most limits.linkBatchCallsMax calls and limits.linkBatchBytesMax bytes. */
  private flush(): void {
    this.flushScheduled = false;
    const calls = this.outbox;
    this.outbox = [];
    // calls whose deadline passed meanwhile, or that already failed or went unary with a
    // broken or closed stream (which empties `pending`), are not sent
    const live = calls.filter((c) => this.pending.has((c.message as { callId: string }).callId));
    if (live.length === 0) return;
    const stream = this.activeStream();
    let batch: object[] = [];
    let bytes = 0;
    for (const call of live) {
      if (batch.length > 0 && (batch.length >= limits.linkBatchCallsMax || bytes + call.bytes > limits.linkBatchBytesMax)) {
        stream.write({ calls: batch });
        batch = [];
        bytes = 0;
      }
      batch.push(call.message);
      bytes += call.bytes;
    }
    stream.write({ calls: batch });
  }

  /** Ends the stream; calls still in flight fail with UNAVAILABLE. */
  close(): void {
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    stream?.end();
    this.failPending(statusError(grpc.status.UNAVAILABLE, 'the link was closed'));
  }

  private activeStream(): LinkStream {
    if (this.stream !== undefined) return this.stream;
    const stream = this.openStream();
    this.stream = stream;
    stream.on('data', (message: LinkResponsesMessage) => {
      for (const answer of message.answers ?? []) this.answer(answer);
    });
    const broken = (err: grpc.ServiceError | undefined): void => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      if (err?.code === grpc.status.UNIMPLEMENTED) {
        this.unaryOnly = true;
        this.retryUnary();
        return;
      }
      // refused at its start by the server's authorization: no call of it ran, and none would on a retry
      if (err?.code === grpc.status.UNAUTHENTICATED || err?.code === grpc.status.PERMISSION_DENIED) {
        this.failPending(statusError(err.code, err.details));
        return;
      }
      this.failPending(statusError(grpc.status.UNAVAILABLE, `the link broke: ${err?.details ?? 'the stream ended'}`));
    };
    stream.on('error', (err: grpc.ServiceError) => broken(err));
    stream.on('end', () => broken(undefined));
    return stream;
  }

  private answer(message: LinkResponseMessage): void {
    const call = this.pending.get(message.callId);
    // a late answer to a call past its deadline
    if (call === undefined) return;
    this.pending.delete(message.callId);
    clearTimeout(call.timer);
    if (message.result === 'error' || message.result === undefined) {
      const error = message.error;
      call.reject(statusError(error?.code ?? grpc.status.UNKNOWN, error?.message ?? 'the link answered nothing', error?.metadata));
      return;
    }
    call.resolve(message[message.result]);
  }

  private failPending(err: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      call.reject(err);
    }
  }

  /** Nothing reached a server that lacks the method: its calls are safe to send again, unary. */
  private retryUnary(): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      this.unary(call.kind, call.request, call.deadline).then(call.resolve, call.reject);
    }
  }
}

/** An error shaped as grpc-js reports a failed call. */
export function statusError(code: grpc.status, message: string, metadata: Readonly<Record<string, string>> = {}): grpc.ServiceError {
  const err = new Error(`${code} ${grpc.status[code]}: ${message}`) as grpc.ServiceError;
  err.code = code;
  err.details = message;
  err.metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) err.metadata.set(key, value);
  return err;
}
