import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import { coordinatorService } from '../../coordinator/grpc/coordinator-service.js';
import { discardingDecisionLog } from '../support/discarding-decision-log.js';
import type { ParticipantConnector } from '../../coordinator/participant-connector.js';
import { coordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import { httpStatusOf } from '../../gateway/http-status-of.js';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { GrpcCoordinatorLink } from '../../participant/grpc/grpc-coordinator-link.js';
import { toServiceError } from '../../participant/to-service-error.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';
import { fromGrpcError } from '../../sdk/sdk-errors.js';

const noParticipants: ParticipantConnector = {
  prepare: async () => ({ vote: 'no', reason: 'unused' }),
  commit: async () => undefined,
  abort: async () => undefined,
  commitOnePhase: async () => 'aborted',
  resolveOutcome: async () => 'aborted',
  list: () => [],
  close: () => undefined,
};

class IdleRm implements ResourceManager {
  readonly participantId = 'blob';
  async recover(): Promise<RecoveryResult> {
    return { prepared: [], abortedLeftovers: 0 };
  }
  async prepare(): Promise<PrepareVote> {
    return { vote: 'yes' };
  }
  async commit(): Promise<{ alreadyCommitted: boolean }> {
    return { alreadyCommitted: false };
  }
  async abort(): Promise<{ alreadyAborted: boolean }> {
    return { alreadyAborted: false };
  }
  async close(): Promise<void> {}
}

describe('participant enlist', () => {
  it("the coordinator's RESOURCE_EXHAUSTED on Enlist stays RESOURCE_EXHAUSTED (retryable, HTTP 503), not FAILED_PRECONDITION", async () => {
    const logger = silentLogger();
    // one participant per tx: the second to enlist is refused with RESOURCE_EXHAUSTED
    const coordinator = new CoordinatorRuntime({ config: coordinatorConfig({ participantsPerTxMax: 1 }), log: discardingDecisionLog, connector: noParticipants, logger });
    await coordinator.start();
    const server = await startGrpcServer('127.0.0.1:0', [coordinatorService(coordinator, logger)], logger);
    onTestFinished(async () => {
      await server.shutdown();
      await coordinator.stop(100);
    });
    const participant = new ParticipantRuntime({ rm: new IdleRm(), coordinator: new GrpcCoordinatorLink(`127.0.0.1:${server.port}`), logger });
    await participant.start();
    onTestFinished(() => participant.stop());

    const begun = await coordinator.begin(0);
    if (begun.kind !== 'begun') throw new Error(`begin: ${JSON.stringify(begun)}`);
    expect(await coordinator.enlist(begun.txId, 'metadata')).toMatchObject({ kind: 'enlisted' });

    let ran = false;
    const err = await participant.run(begun.txId, async () => void (ran = true)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ran).toBe(false);
    expect(participant.branchCount()).toBe(0);
    const wire = toServiceError(err);
    expect(grpc.status[wire.code]).toBe('RESOURCE_EXHAUSTED');
    expect(httpStatusOf(fromGrpcError(wire, 'stage'))).toEqual({ status: 503, retryable: true });
  });
});
