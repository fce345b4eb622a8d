import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger/logger.js';
import { unaryHandler } from '../../lib/grpc/service-error.js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import { linkHandler } from '../../lib/grpc-link/link-server.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';
import type { ParticipantRuntime } from '../participant-runtime.js';
import { isExpectedFailure, toServiceError } from './to-service-error.js';

/** twophase.v1.Participant over any resource manager's runtime: what the coordinator calls. */
export function participantService(runtime: ParticipantRuntime, logger: Logger): GrpcServiceBinding {
  const mapped =
    <Req, Res>(handle: (req: Req) => Promise<Res>) =>
    async (req: Req): Promise<Res> => {
      try {
        return await handle(req);
      } catch (err) {
        if (!isExpectedFailure(err)) logger.error({ err }, 'participant call failed');
        throw toServiceError(err);
      }
    };
  const onUnexpected = (err: unknown): void => logger.error({ err }, 'participant call failed unexpectedly');
  const methods = {
    prepare: mapped(async (req: { txId: string }) => {
      const vote = await runtime.prepare(req.txId);
      return vote.vote === 'yes' ? { vote: 'VOTE_YES' as const, reason: '' } : { vote: 'VOTE_NO' as const, reason: vote.reason };
    }),
    commit: mapped(async (req: { txId: string }) => runtime.commit(req.txId)),
    abort: mapped(async (req: { txId: string; reason: string }) => runtime.abort(req.txId, req.reason)),
  };
  const link = linkHandler(methods, onUnexpected);
  const handlers: ParticipantHandlers = {
    Prepare: unaryHandler(methods.prepare, onUnexpected),
    Commit: unaryHandler(methods.commit, onUnexpected),
    Abort: unaryHandler(methods.abort, onUnexpected),
    ListInDoubt: unaryHandler(
      mapped(async () => ({
        branches: runtime.inDoubt().map((b) => ({ txId: b.txId, preparedUnixMs: String(b.preparedAtMs) })),
      })),
      onUnexpected,
    ),
    Link: link.handle as ParticipantHandlers['Link'],
  };
  return {
    name: 'twophase.v1.Participant',
    definition: loadProto().twophase.v1.Participant.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
    onShutdown: link.close,
  };
}
