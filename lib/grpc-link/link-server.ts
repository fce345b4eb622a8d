import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import { callName, linkCallsServed, observeServedCall } from '../metrics/metrics.js';
import { isServiceError, serviceError } from '../grpc/service-error.js';
import { limits } from '../limits/limits.js';
import { inSpan, SpanKind, tracingOn } from '../tracing/tracing.js';

/** grpc.status.INTERNAL and PERMISSION_DENIED (the grpc import is types only here). */
const internalCode = 13;
const permissionDeniedCode = 7;

/**
 * Set, in place of the request, on a call the server's authorization refused (never from
 * the wire: a decoded message has only its proto fields): the Link answers it
 * PERMISSION_DENIED with this text.
 */
export const refusedLinkCall = Symbol('refused link call');

/** A message of a Link request stream: a call id and one request, named by its oneof case. */
export interface LinkRequestMessage {
  readonly callId: string;
  readonly [refusedLinkCall]?: string;
  /** The oneof case set (proto-loader's `oneofs: true`): the name of the request field. */
  readonly call?: string;
  readonly [field: string]: unknown;
}

/**
 * When a Link call's caller stops waiting: its deadline (as the client sent it) and the
 * stream's end. The unary methods build the same from their call.
 */
export interface LinkCallScope {
  readonly deadlineMs?: number;
  readonly signal: AbortSignal;
}

/** One method of a Link: the same function the unary method runs. */
export type LinkMethod = (request: never, scope: LinkCallScope) => Promise<object>;

/** A message of a Link request stream: the calls the client sent at once. */
export interface LinkRequestsMessage {
  readonly calls?: readonly LinkRequestMessage[];
}

/** A Link method's handler, and a way to end every stream it serves (a server shutting down). */
export interface LinkHandler {
  readonly handle: grpc.handleBidiStreamingCall<LinkRequestsMessage, object>;
  /** Ends every open stream: clients see it end and fail their calls in flight with UNAVAILABLE. */
  readonly close: () => void;
}

/**
 * Serves a Link stream (see Coordinator.Link): each call of a request message runs the
 * method its oneof case names, concurrently with the others, and its answer, or the gRPC
 * status it would have failed with as a unary call, goes back tagged with its call id.
 * Answers ready within one turn of the event loop go back in one message (see LinkClient).
 * The stream ends when the client ends it (or `close` is called); answers still running
 * then are dropped.
 */
export function linkHandler(methods: Readonly<Record<string, LinkMethod>>, onUnexpected: (err: unknown) => void): LinkHandler {
  /** Each open stream, with what aborts the scope of its calls once nobody reads their answers. */
  const open = new Map<grpc.ServerDuplexStream<LinkRequestsMessage, object>, AbortController>();
  const handle: grpc.handleBidiStreamingCall<LinkRequestsMessage, object> = (call) => {
    const gone = new AbortController();
    // every call of the stream that waits listens to it: many at once are normal
    setMaxListeners(0, gone.signal);
    open.set(call, gone);
    let outbox: object[] = [];
    const flush = (): void => {
      const answers = outbox;
      outbox = [];
      if (!open.has(call) || call.cancelled) return;
      for (let i = 0; i < answers.length; i += limits.linkBatchCallsMax) call.write({ answers: answers.slice(i, i + limits.linkBatchCallsMax) });
    };
    const answer = (message: object): void => {
      if (!open.has(call) || call.cancelled) return;
      if (outbox.push(message) === 1) setImmediate(flush);
    };
    call.on('data', (message: LinkRequestsMessage) => {
      for (const request of message.calls ?? []) serve(request);
    });
    const serve = (message: LinkRequestMessage): void => {
      const { callId } = message;
      const refused = message[refusedLinkCall];
      if (refused !== undefined) {
        answer({ callId, error: { code: permissionDeniedCode, message: refused } });
        return;
      }
      const kind = message.call;
      const method = kind === undefined ? undefined : methods[kind];
      if (kind === undefined || method === undefined) {
        const unknown = serviceError('UNIMPLEMENTED', `this server has no link method ${JSON.stringify(kind ?? '')}`);
        answer({ callId, error: { code: unknown.code, message: unknown.details } });
        return;
      }
      linkCallsServed.labels(kind).inc();
      const startedMs = performance.now();
      const deadlineMs = Number(message.deadlineUnixMs ?? 0);
      const scope: LinkCallScope = deadlineMs > 0 ? { deadlineMs, signal: gone.signal } : { signal: gone.signal };
      const served = tracingOn()
        ? inSpan(`serve ${kind}`, { kind: SpanKind.SERVER, parent: String(message.traceparent ?? ''), attributes: { 'rpc.method': kind } }, () => method(message[kind] as never, scope))
        : method(message[kind] as never, scope);
      served.then(
        (response) => {
          observeServedCall(callName(kind), startedMs, undefined);
          answer({ callId, [kind]: response });
        },
        (err: unknown) => {
          observeServedCall(callName(kind), startedMs, isServiceError(err) ? err.code : internalCode);
          if (isServiceError(err)) {
            answer({ callId, error: { code: err.code, message: err.details, metadata: asciiEntries(err.metadata) } });
            return;
          }
          onUnexpected(err);
          const internal = serviceError('INTERNAL', err instanceof Error ? err.message : String(err));
          answer({ callId, error: { code: internal.code, message: internal.details } });
        },
      );
    };
    const ended = (): void => {
      gone.abort();
      if (open.delete(call)) call.end();
    };
    call.on('end', ended);
    // a client that went away: nothing to answer, and its calls still waiting stop waiting
    const lost = (): void => {
      gone.abort();
      open.delete(call);
    };
    call.on('error', lost);
    call.on('cancelled', lost);
  };
  return {
    handle,
    close: () => {
      for (const [call, gone] of [...open]) {
        gone.abort();
        open.delete(call);
        call.end();
      }
    },
  };
}

/** A status's trailing metadata as LinkError carries it: its ASCII values (binary `-bin` keys are not carried). */
function asciiEntries(metadata: grpc.Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) if (typeof value === 'string') out[key] = value;
  return out;
}
