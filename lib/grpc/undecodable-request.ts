import * as grpc from '@grpc/grpc-js';

/**
 * What a request message that does not decode becomes (see tolerantDefinition), in place
 * of the exception grpc-js would turn into INTERNAL: a malformed request is the caller's
 * fault, and is answered INVALID_ARGUMENT by undecodableRequestInterceptor.
 */
export class UndecodableRequest {
  constructor(readonly problem: string) {}
}

/** The service's methods with request deserializers that return UndecodableRequest instead of throwing. */
export function tolerantDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (err) {
          return new UndecodableRequest(err instanceof Error ? err.message : String(err));
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** Ends a call whose request message did not decode with INVALID_ARGUMENT, before any handler sees it. */
export const undecodableRequestInterceptor: grpc.ServerInterceptor = (method, call) =>
  new grpc.ServerInterceptingCall(call, {
    start: (next) => {
      next({
        onReceiveMessage: (message: unknown, proceed) => {
          if (message instanceof UndecodableRequest) {
            call.sendStatus({ code: grpc.status.INVALID_ARGUMENT, details: `the request to ${method.path} is not a valid protobuf message of its type: ${message.problem}`, metadata: new grpc.Metadata() });
            return;
          }
          proceed(message);
        },
      });
    },
  });
