import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcParticipantConnector } from '../../coordinator/grpc/grpc-participant-connector.js';
import { NotLastResourceError } from '../../coordinator/not-last-resource-error.js';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { countersSnapshot } from '../../lib/metrics/metrics.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantHandlers } from '../../proto/gen/twophase/v1/Participant.js';
import { LoopbackSystem } from '../support/loopback-system.js';
import { ScriptedLastResource, ScriptedResourceManager } from '../support/scripted-resource-manager.js';

/**
 * Last-resource mode over real gRPC on loopback: the coordinator's runtime and
 * GrpcParticipantConnector call CommitOnePhase and ResolveOutcome of the real Participant
 * service, whose runtime drives a scripted resource manager.
 */
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function system(metadata: ScriptedResourceManager, options: { withoutLink?: readonly string[] } = {}): Promise<{ sys: LoopbackSystem; blob: ScriptedResourceManager }> {
  const blob = new ScriptedResourceManager('blob');
  const sys = await LoopbackSystem.start({ rms: [blob, metadata], lastResource: 'metadata', ...options });
  cleanups.push(() => sys.stop());
  return { sys, blob };
}

/** Calls of `method` served by this process, over Link (`link`) or unary. */
async function served(method: 'CommitOnePhase' | 'ResolveOutcome', via: 'link' | 'unary'): Promise<number> {
  const counters = await countersSnapshot();
  const kind = method === 'CommitOnePhase' ? 'commitOnePhase' : 'resolveOutcome';
  return via === 'link' ? (counters[`twophase_link_calls_served_total{kind="${kind}"}`] ?? 0) : (counters[`twophase_rpc_served_total{method="/twophase.v1.Participant/${method}"}`] ?? 0);
}

/** Eventually true, or the test fails after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const giveUpAtMs = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > giveUpAtMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('last-resource mode over gRPC', () => {
  for (const via of ['link', 'unary'] as const) {
    it(`the others prepare, then the last resource commits one-phase (over ${via === 'link' ? 'Participant.Link' : 'the unary method'}) and never prepares, then the others commit`, async () => {
      const metadata = new ScriptedLastResource('metadata');
      const { sys, blob } = await system(metadata, via === 'unary' ? { withoutLink: ['blob', 'metadata'] } : {});
      const before = await served('CommitOnePhase', via);
      const txId = await sys.beginWith(['blob', 'metadata']);
      await expect(sys.client.commit(txId)).resolves.toMatchObject({ outcome: 'OUTCOME_COMMITTED', pendingParticipants: [] });
      expect(metadata.callsOf(txId)).toEqual(['commitOnePhase']);
      expect(metadata.participantsOf.get(txId)).toEqual(['blob', 'metadata']);
      expect(blob.callsOf(txId)).toEqual(['prepare', 'commit']);
      expect(await served('CommitOnePhase', via)).toBe(before + 1);
    });
  }

  it("the last resource's aborted aborts the tx, and the prepared others are told to abort", async () => {
    const metadata = new ScriptedLastResource('metadata');
    metadata.onePhase = async () => 'aborted';
    const { sys, blob } = await system(metadata);
    const txId = await sys.beginWith(['blob', 'metadata']);
    await expect(sys.client.commit(txId)).resolves.toMatchObject({ outcome: 'OUTCOME_ABORTED', cause: 'ABORT_CAUSE_OUTAGE' });
    await eventually(() => blob.callsOf(txId).includes('abort'));
    expect(blob.callsOf(txId)).not.toContain('commit');
  });

  for (const truth of ['committed', 'aborted'] as const) {
    it(`a one-phase commit whose answer is unknown (the resource manager threw) is a failed call, never an outcome: ResolveOutcome decides (${truth})`, async () => {
      const metadata = new ScriptedLastResource('metadata');
      metadata.onePhase = async () => {
        throw new Error('connection lost during COMMIT');
      };
      metadata.resolved = async () => truth;
      const { sys, blob } = await system(metadata);
      const txId = await sys.beginWith(['blob', 'metadata']);
      await expect(sys.client.commit(txId)).resolves.toMatchObject({ outcome: truth === 'committed' ? 'OUTCOME_COMMITTED' : 'OUTCOME_ABORTED' });
      expect(metadata.callsOf(txId).slice(0, 2)).toEqual(['commitOnePhase', 'resolveOutcome']);
      await eventually(() => blob.callsOf(txId).includes(truth === 'committed' ? 'commit' : 'abort'));
    });
  }

  it('the connector rejects an unknown answer with its status, and resolves only what the resource manager answered', async () => {
    const metadata = new ScriptedLastResource('metadata');
    metadata.onePhase = async () => {
      throw new Error('connection lost during COMMIT');
    };
    const { sys } = await system(metadata);
    const txId = await sys.beginWith(['metadata']);
    await expect(sys.connector.commitOnePhase('metadata', txId, ['metadata'])).rejects.toMatchObject({ code: grpc.status.INTERNAL });
    metadata.resolved = async () => 'committed';
    await expect(sys.connector.resolveOutcome('metadata', txId)).resolves.toBe('committed');
  });

  it('GetOutcome of a tx the coordinator does not hold is settled at the last resource by ResolveOutcome', async () => {
    const metadata = new ScriptedLastResource('metadata');
    metadata.resolved = async () => 'committed';
    const { sys } = await system(metadata);
    const before = await served('ResolveOutcome', 'link');
    const forgotten = 'tx_forgottenforgottenfor';
    await expect(sys.client.getOutcome(forgotten)).resolves.toMatchObject({ outcome: 'OUTCOME_COMMITTED' });
    expect(metadata.callsOf(forgotten)).toEqual(['resolveOutcome']);
    expect(await served('ResolveOutcome', 'link')).toBe(before + 1);
  });

  it('a participant that cannot be the last resource refuses with UNIMPLEMENTED before anything runs, and the tx aborts saying why', async () => {
    const metadata = new ScriptedResourceManager('metadata');
    const { sys, blob } = await system(metadata);
    const txId = await sys.beginWith(['blob', 'metadata']);
    const res = await sys.client.commit(txId);
    expect(res).toMatchObject({ outcome: 'OUTCOME_ABORTED', cause: 'ABORT_CAUSE_OUTAGE' });
    expect(res.reason).toContain('participant metadata is not a last resource');
    await eventually(() => blob.callsOf(txId).includes('abort') && metadata.callsOf(txId).includes('abort'));
    expect(metadata.callsOf(txId)).toEqual(['abort']);
    const other = await sys.beginWith(['metadata']);
    for (const call of [sys.connector.commitOnePhase('metadata', other, ['metadata']), sys.connector.resolveOutcome('metadata', other)]) {
      const err = await call.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotLastResourceError);
      expect((err as NotLastResourceError).participantId).toBe('metadata');
    }
  });

  it('an answer that is neither committed nor aborted (a broken or newer peer) is a failed call, never an outcome', async () => {
    const handlers: Partial<ParticipantHandlers> = {
      CommitOnePhase: (_call, cb) => cb(null, {}),
      ResolveOutcome: (_call, cb) => cb(null, { outcome: 'LAST_RESOURCE_OUTCOME_UNSPECIFIED' }),
      Link: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'no Link here' }),
    };
    const server = await startGrpcServer(
      '127.0.0.1:0',
      [{ name: 'twophase.v1.Participant', definition: loadProto().twophase.v1.Participant.service, implementation: handlers as grpc.UntypedServiceImplementation }],
      silentLogger(),
    );
    const connector = new GrpcParticipantConnector({ participants: new Map([['metadata', `127.0.0.1:${server.port}`]]), phase2CallTimeoutMs: 2_000 });
    cleanups.push(() => server.shutdown(0), () => connector.close());
    await expect(connector.commitOnePhase('metadata', 'tx_brokenpeerbrokenpeerb', ['metadata'])).rejects.toMatchObject({ code: grpc.status.UNKNOWN });
    await expect(connector.resolveOutcome('metadata', 'tx_brokenpeerbrokenpeerb')).rejects.toMatchObject({ code: grpc.status.UNKNOWN });
  });
});
