import { afterEach, describe, expect, it } from 'vitest';
import { httpStatusOf } from '../../gateway/http-status-of.js';
import { TransactionAbortedError } from '../../sdk/index.js';
import { LoopbackSystem } from '../support/loopback-system.js';
import { ScriptedResourceManager } from '../support/scripted-resource-manager.js';

/**
 * The cause of a resource manager's no vote crosses every hop as a field, never as words:
 * participant runtime → Participant service (PrepareResponse.cause) → GrpcParticipantConnector
 * → coordinator core → CommitResponse.cause → SDK → HTTP status.
 */
let system: LoopbackSystem | undefined;

afterEach(async () => {
  await system?.stop();
  system = undefined;
});

async function commitAborted(rms: readonly ScriptedResourceManager[], withoutLink: readonly string[] = []): Promise<TransactionAbortedError> {
  system = await LoopbackSystem.start({ rms, withoutLink });
  const tx = await system.sdk().begin();
  for (const rm of rms) await system.runtime(rm.participantId).run(tx.txId, async () => undefined);
  const err = await tx.commit().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransactionAbortedError);
  return err as TransactionAbortedError;
}

describe('a conflict no vote reaches the client as a conflict', () => {
  for (const via of ['Link', 'unary'] as const) {
    it(`a resource manager's no vote with cause conflict ends the tx as abortCause conflict at the SDK, HTTP 409 (Prepare over ${via})`, async () => {
      const blob = new ScriptedResourceManager('blob');
      const metadata = new ScriptedResourceManager('metadata');
      // the reason's words say outage on purpose: only the cause may decide
      metadata.vote = { vote: 'no', reason: 'Connection terminated unexpectedly', cause: 'conflict' };
      const err = await commitAborted([blob, metadata], via === 'unary' ? ['blob', 'metadata'] : []);
      expect(err.abortCause).toBe('conflict');
      expect(err.message).toContain('Connection terminated unexpectedly');
      expect(httpStatusOf(err)).toEqual({ status: 409, retryable: true });
      expect(metadata.callsOf(err.txId)).toContain('abort');
      expect(blob.callsOf(err.txId)).not.toContain('commit');
      await expect(system!.sdk().getOutcome(err.txId)).resolves.toMatchObject({ outcome: 'aborted', cause: 'conflict' });
    });
  }

  it('a no vote that says no cause is an outage at the SDK, HTTP 503, whatever its reason says', async () => {
    const metadata = new ScriptedResourceManager('metadata');
    metadata.vote = { vote: 'no', reason: 'could not serialize access due to concurrent update' };
    const err = await commitAborted([metadata]);
    expect(err.abortCause).toBe('outage');
    expect(httpStatusOf(err)).toEqual({ status: 503, retryable: true });
  });

  it('a resource manager whose prepare throws votes no as an outage, not a conflict', async () => {
    const metadata = new ScriptedResourceManager('metadata');
    metadata.prepare = async () => {
      throw new Error('write conflict (a failure, not a vote)');
    };
    const err = await commitAborted([metadata]);
    expect(err.abortCause).toBe('outage');
  });
});
