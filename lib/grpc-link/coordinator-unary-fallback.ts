import type * as grpc from '@grpc/grpc-js';
import type { AbortRequest } from '../../proto/gen/twophase/v1/AbortRequest.js';
import type { BeginRequest } from '../../proto/gen/twophase/v1/BeginRequest.js';
import type { CommitRequest } from '../../proto/gen/twophase/v1/CommitRequest.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { EnlistRequest } from '../../proto/gen/twophase/v1/EnlistRequest.js';
import type { GetOutcomeRequest } from '../../proto/gen/twophase/v1/GetOutcomeRequest.js';
import type { UnaryFallback } from './link-client.js';

/** The unary Coordinator methods, for a coordinator that serves no Link. */
export function coordinatorUnaryFallback(client: CoordinatorClient): UnaryFallback {
  return (kind, request, deadline) =>
    new Promise((resolve, reject) => {
      const done = (err: grpc.ServiceError | null, res?: unknown): void => (err !== null ? reject(err) : resolve(res));
      const options = { deadline };
      switch (kind) {
        case 'begin':
          return void client.Begin(request as BeginRequest, options, done);
        case 'enlist':
          return void client.Enlist(request as EnlistRequest, options, done);
        case 'commit':
          return void client.Commit(request as CommitRequest, options, done);
        case 'abort':
          return void client.Abort(request as AbortRequest, options, done);
        case 'getOutcome':
          return void client.GetOutcome(request as GetOutcomeRequest, options, done);
        default:
          reject(new Error(`no unary Coordinator method for ${kind}`));
      }
    });
}
