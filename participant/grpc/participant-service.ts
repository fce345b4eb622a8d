import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger/logger.js';
import { unaryHandler } from '../../lib/grpc/service-error.js';
import { callWaitScope } from '../../lib/grpc/call-wait-scope.js';
import type { WaitScope } from '../../lib/keyed-mutex/keyed-mutex.js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import { linkHandler } from '../../lib/grpc-link/link-server.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';
import type { ParticipantRuntime } from '../participant-runtime.js';
import { isExpectedFailure, toServiceError } from '../to-service-error.js';
import { abortCauseToWire } from '../../lib/grpc/abort-cause-wire.js';
import { lastResourceOutcomeToWire } from '../../lib/grpc/last-resource-outcome-wire.js';
import type { PrepareResponse } from '../../proto/gen/twophase/v1/PrepareResponse.js';
import type { CommitOnePhaseResponse } from '../../proto/gen/twophase/v1/CommitOnePhaseResponse.js';
import type { ResolveOutcomeResponse } from '../../proto/gen/twophase/v1/ResolveOutcomeResponse.js';

/** twophase.v1.Participant over any resource manager's runtime: what the coordinator calls. */
export function participantService(runtime: ParticipantRuntime, logger: Logger): GrpcServiceBinding {
  const mapped =
    <Req, Res>(handle: (req: Req, scope: WaitScope) => Promise<Res>) =>
    async (req: Req, scope: WaitScope = {}): Promise<Res> => {
      try {
        return await handle(req, scope);
      } catch (err) {
        if (!isExpectedFailure(err)) logger.error({ err }, 'participant call failed');
        throw toServiceError(err);
      }
    };
  const onUnexpected = (err: unknown): void => logger.error({ err }, 'participant call failed unexpectedly');
  const methods = {
    prepare: mapped(async (req: { txId: string }, scope): Promise<PrepareResponse> => {
      const vote = await runtime.prepare(req.txId, scope);
      if (vote.vote === 'yes') return { vote: 'VOTE_YES', reason: '' };
      // none said is an outage, and says so on the wire rather than leaving it to the reader
      return { vote: 'VOTE_NO', reason: vote.reason, cause: abortCauseToWire(vote.cause ?? 'outage') };
    }),
    commit: mapped(async (req: { txId: string }, scope) => runtime.commit(req.txId, scope)),
    abort: mapped(async (req: { txId: string; reason: string }, scope) => runtime.abort(req.txId, req.reason, scope)),
    // a failure (the answer unknown) stays a failed status: only an answer the resource manager gave is an outcome
    commitOnePhase: mapped(async (req: { txId: string; participants: string[] }, scope): Promise<CommitOnePhaseResponse> => ({
      outcome: lastResourceOutcomeToWire(await runtime.commitOnePhase(req.txId, req.participants, scope)),
    })),
    resolveOutcome: mapped(async (req: { txId: string }, scope): Promise<ResolveOutcomeResponse> => ({
      outcome: lastResourceOutcomeToWire(await runtime.resolveOutcome(req.txId, scope)),
    })),
  };
  // a unary call's scope comes from the call itself; a Link call's from its message and stream
  const scoped =
    <Req, Res>(handle: (req: Req, scope: WaitScope) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) =>
      unaryHandler((req: Req) => handle(req, callWaitScope(call as grpc.ServerUnaryCall<unknown, unknown>)), onUnexpected)(call, callback);
  const link = linkHandler(methods, onUnexpected);
  const handlers: ParticipantHandlers = {
    Prepare: scoped(methods.prepare),
    Commit: scoped(methods.commit),
    Abort: scoped(methods.abort),
    CommitOnePhase: scoped(methods.commitOnePhase),
    ResolveOutcome: scoped(methods.resolveOutcome),
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
