import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger/logger.js';
import { serviceError, unaryHandler } from '../../lib/grpc/service-error.js';
import { participantIdProblem, txIdProblem } from '../../lib/tx-id/tx-id.js';
import { limits } from '../../lib/limits/limits.js';
import { loadProto } from '../../proto/load-proto.js';
import type { CoordinatorHandlers } from '../../proto/gen/twophase/v1/Coordinator.js';
import type { Outcome__Output } from '../../proto/gen/twophase/v1/Outcome.js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import { linkHandler } from '../../lib/grpc-link/link-server.js';
import { abortCauseToWire } from '../../lib/grpc/abort-cause-wire.js';
import type { AbortCause__Output } from '../../proto/gen/twophase/v1/AbortCause.js';
import type { AbortRequest__Output } from '../../proto/gen/twophase/v1/AbortRequest.js';
import type { BeginRequest__Output } from '../../proto/gen/twophase/v1/BeginRequest.js';
import type { CommitRequest__Output } from '../../proto/gen/twophase/v1/CommitRequest.js';
import type { EnlistRequest__Output } from '../../proto/gen/twophase/v1/EnlistRequest.js';
import type { GetOutcomeRequest__Output } from '../../proto/gen/twophase/v1/GetOutcomeRequest.js';
import type { Outcome, Reply } from '../protocol/coordinator-effect.js';
import type { CoordinatorRuntime } from '../coordinator-runtime.js';

const outcomeNames: Record<Outcome, Outcome__Output> = {
  active: 'OUTCOME_ACTIVE',
  preparing: 'OUTCOME_PREPARING',
  committed: 'OUTCOME_COMMITTED',
  aborted: 'OUTCOME_ABORTED',
};

/** The twophase.v1.Coordinator service over a runtime: validation, proto ⇄ core types, status codes. */
/** `metadataShards`: the metadata participants sharing the namespaces, served with the participants (none: one, `metadata`). */
export function coordinatorService(runtime: CoordinatorRuntime, logger: Logger, metadataShards: readonly string[] = []): GrpcServiceBinding {
  const onUnexpected = (err: unknown): void => logger.error({ err }, 'coordinator call failed unexpectedly');
  const methods = {
    begin: async (req: BeginRequest__Output) => {
      if (req.timeoutMs > limits.txTimeoutMsMax) {
        throw serviceError('INVALID_ARGUMENT', `timeout_ms ${req.timeoutMs} exceeds the maximum of ${limits.txTimeoutMsMax}`);
      }
      const r = expect(await runtime.begin(req.timeoutMs), 'begun');
      return { txId: r.txId, deadlineUnixMs: String(r.deadlineMs) };
    },
    enlist: async (req: EnlistRequest__Output) => {
      validTxId(req.txId);
      const problem = participantIdProblem(req.participantId);
      if (problem !== undefined) throw serviceError('INVALID_ARGUMENT', problem);
      const r = expect(await runtime.enlist(req.txId, req.participantId, req.incarnation.slice(0, limits.incarnationLengthMax)), 'enlisted');
      return { deadlineUnixMs: String(r.deadlineMs) };
    },
    commit: async (req: CommitRequest__Output) => {
      validTxId(req.txId);
      const r = expect(await runtime.commit(req.txId), 'outcome');
      return { outcome: outcomeNames[r.outcome], reason: r.reason, cause: causeOf(r), pendingParticipants: [...r.pending], presumed: r.presumed };
    },
    abort: async (req: AbortRequest__Output) => {
      validTxId(req.txId);
      const reason = req.reason.slice(0, limits.reasonLengthMax);
      const r = expect(await runtime.abort(req.txId, reason), 'outcome');
      return { outcome: outcomeNames[r.outcome], reason: r.reason, cause: causeOf(r), presumed: r.presumed };
    },
    getOutcome: async (req: GetOutcomeRequest__Output) => {
      validTxId(req.txId);
      const r = expect(await runtime.getOutcome(req.txId), 'outcome');
      return { outcome: outcomeNames[r.outcome], reason: r.reason, cause: causeOf(r), presumed: r.presumed, participants: [...r.participants] };
    },
  };
  const link = linkHandler(methods, onUnexpected);
  const handlers: CoordinatorHandlers = {
    Begin: unaryHandler(methods.begin, onUnexpected),
    Enlist: unaryHandler(methods.enlist, onUnexpected),
    Commit: unaryHandler(methods.commit, onUnexpected),
    Abort: unaryHandler(methods.abort, onUnexpected),
    GetOutcome: unaryHandler(methods.getOutcome, onUnexpected),
    ListParticipants: unaryHandler(async () => ({ participants: [...runtime.participants()], metadataShards: [...metadataShards] }), onUnexpected),
    Link: link.handle as CoordinatorHandlers['Link'],
  };
  return {
    name: 'twophase.v1.Coordinator',
    definition: loadProto().twophase.v1.Coordinator.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
    onShutdown: link.close,
  };
}

/** The abort cause on the wire: clients choose by it, never by the reason's words. */
function causeOf(r: Extract<Reply, { kind: 'outcome' }>): AbortCause__Output {
  return r.cause === undefined ? 'ABORT_CAUSE_UNSPECIFIED' : abortCauseToWire(r.cause);
}

function validTxId(txId: string): void {
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw serviceError('INVALID_ARGUMENT', problem);
}

/** The reply of the expected kind, or the refusal as a gRPC error. */
function expect<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind === kind) return reply as Extract<Reply, { kind: K }>;
  if (reply.kind === 'refused') throw serviceError(reply.code, reply.message);
  throw serviceError('INTERNAL', `unexpected ${reply.kind} reply`);
}
