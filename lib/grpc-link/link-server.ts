import type * as grpc from '@grpc/grpc-js';
import { isServiceError, serviceError } from '../grpc/service-error.js';

/** A message of a Link request stream: a call id and one request, named by its oneof case. */
export interface LinkRequestMessage {
  readonly callId: string;
  /** The oneof case set (proto-loader's `oneofs: true`): the name of the request field. */
  readonly call?: string;
  readonly [field: string]: unknown;
}

/** One method of a Link: the same function the unary method runs. */
export type LinkMethod = (request: never) => Promise<object>;

/** A Link method's handler, and a way to end every stream it serves (a server shutting down). */
export interface LinkHandler {
  readonly handle: grpc.handleBidiStreamingCall<LinkRequestMessage, object>;
  /** Ends every open stream: clients see it end and fail their calls in flight with UNAVAILABLE. */
  readonly close: () => void;
}

/**
 * Serves a Link stream (see Coordinator.Link): each request message runs the method its
 * oneof case names, concurrently with the others, and its answer, or the gRPC status it
 * would have failed with as a unary call, goes back tagged with its call id. The stream
 * ends when the client ends it (or `close` is called); answers still running then are dropped.
 */
export function linkHandler(methods: Readonly<Record<string, LinkMethod>>, onUnexpected: (err: unknown) => void): LinkHandler {
  const open = new Set<grpc.ServerDuplexStream<LinkRequestMessage, object>>();
  const handle: grpc.handleBidiStreamingCall<LinkRequestMessage, object> = (call) => {
    open.add(call);
    const answer = (message: object): void => {
      if (!open.has(call) || call.cancelled) return;
      call.write(message);
    };
    call.on('data', (message: LinkRequestMessage) => {
      const { callId } = message;
      const kind = message.call;
      const method = kind === undefined ? undefined : methods[kind];
      if (kind === undefined || method === undefined) {
        const unknown = serviceError('UNIMPLEMENTED', `this server has no link method ${JSON.stringify(kind ?? '')}`);
        answer({ callId, error: { code: unknown.code, message: unknown.details } });
        return;
      }
      method(message[kind] as never).then(
        (response) => answer({ callId, [kind]: response }),
        (err: unknown) => {
          if (isServiceError(err)) {
            answer({ callId, error: { code: err.code, message: err.details } });
            return;
          }
          onUnexpected(err);
          const internal = serviceError('INTERNAL', err instanceof Error ? err.message : String(err));
          answer({ callId, error: { code: internal.code, message: internal.details } });
        },
      );
    });
    const ended = (): void => {
      if (open.delete(call)) call.end();
    };
    call.on('end', ended);
    // a client that went away: nothing to answer
    call.on('error', () => open.delete(call));
    call.on('cancelled', () => open.delete(call));
  };
  return {
    handle,
    close: () => {
      for (const call of [...open]) {
        open.delete(call);
        call.end();
      }
    },
  };
}
