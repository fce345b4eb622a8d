import type * as grpc from '@grpc/grpc-js';
import type { AbortRequest } from '../../proto/gen/twophase/v1/AbortRequest.js';
import type { BeginRequest } from '../../proto/gen/twophase/v1/BeginRequest.js';
import type { CommitRequest } from '../../proto/gen/twophase/v1/CommitRequest.js';
import type { CoordinatorClient } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { EnlistRequest } from '../../proto/gen/twophase/v1/EnlistRequest.js';
import type { GetOutcomeRequest } from '../../proto/gen/twophase/v1/GetOutcomeRequest.js';
import type { UnaryFallback } from './link-client.js';

/** The unary Coordinator methods, for a coordinator that serves no Link. */
export function coordinatorUnaryFallback(client: CoordinatorClient, metadata?: () => grpc.Metadata): UnaryFallback {
  return (kind, request, deadline) =>
    new Promise((resolve, reject) => {
      const done = (err: grpc.ServiceError | null, res?: unknown): void => (err !== null ? reject(err) : resolve(res));
      const m = metadata?.();
      const options = { deadline };
      switch (kind) {
        case 'begin':
          if (m === undefined) client.Begin(request as BeginRequest, options, done);
          else client.Begin(request as BeginRequest, m, options, done);
          return;
        case 'enlist':
          if (m === undefined) client.Enlist(request as EnlistRequest, options, done);
          else client.Enlist(request as EnlistRequest, m, options, done);
          return;
        case 'commit':
          if (m === undefined) client.Commit(request as CommitRequest, options, done);
          else client.Commit(request as CommitRequest, m, options, done);
          return;
        case 'abort':
          if (m === undefined) client.Abort(request as AbortRequest, options, done);
          else client.Abort(request as AbortRequest, m, options, done);
          return;
        case 'getOutcome':
          if (m === undefined) client.GetOutcome(request as GetOutcomeRequest, options, done);
          else client.GetOutcome(request as GetOutcomeRequest, m, options, done);
          return;
        default:
          reject(new Error(`no unary Coordinator method for ${kind}`));
      }
    });
}
