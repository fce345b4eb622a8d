import * as grpc from '@grpc/grpc-js';

export type StatusName = keyof typeof grpc.status;

/** A gRPC error with a status code chosen as gRPC intends, and a message for humans. */
export function serviceError(code: StatusName, message: string): grpc.ServiceError {
  const err = new Error(message) as grpc.ServiceError;
  err.code = grpc.status[code];
  err.details = message;
  err.metadata = new grpc.Metadata();
  return err;
}

/** Runs an async handler and turns its result or failure into a unary callback. */
export function unaryHandler<Req, Res>(
  handle: (request: Req) => Promise<Res>,
  onUnexpected: (err: unknown) => void,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (err: unknown) => {
        if (isServiceError(err)) {
          callback(err);
          return;
        }
        onUnexpected(err);
        callback(serviceError('INTERNAL', err instanceof Error ? err.message : String(err)));
      },
    );
  };
}

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number' && 'metadata' in err;
}
