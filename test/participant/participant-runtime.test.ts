import { describe, expect, it } from 'vitest';
import { limits } from '../../lib/limits/limits.js';
import { silentLogger } from '../../lib/logger/logger.js';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';

const TX = 'tx_runtimeruntimeruntime';

/** A resource manager that records calls and fails prepare on demand. */
class RecordingRm implements ResourceManager {
  readonly participantId = 'blob';
  readonly calls: string[] = [];
  prepareBehaviour: 'yes' | 'no' | 'throw' = 'yes';
  async recover(): Promise<RecoveryResult> {
    return { prepared: [], abortedLeftovers: 0 };
  }
  async prepare(txId: string): Promise<PrepareVote> {
    this.calls.push(`prepare ${txId}`);
    if (this.prepareBehaviour === 'throw') throw new Error('disk full');
    return this.prepareBehaviour === 'yes' ? { vote: 'yes' } : { vote: 'no', reason: 'checksum mismatch' };
  }
  /** Resolved when a commit may end; a commit waits for it (a slow COMMIT PREPARED). */
  commitGate: Promise<void> = Promise.resolve();
  async commit(txId: string): Promise<{ alreadyCommitted: boolean }> {
    this.calls.push(`commit ${txId}`);
    await this.commitGate;
    return { alreadyCommitted: false };
  }
  async abort(txId: string): Promise<{ alreadyAborted: boolean }> {
    this.calls.push(`abort ${txId}`);
    return { alreadyAborted: false };
  }
  async close(): Promise<void> {}
}

const coordinator: CoordinatorLink = {
  enlist: async () => ({ txDeadlineMs: Date.now() + 60_000 }),
  getOutcome: async () => 'active',
  close: () => undefined,
};

async function runtimeWith(rm: RecordingRm, link: CoordinatorLink = coordinator): Promise<ParticipantRuntime> {
  const runtime = new ParticipantRuntime({ rm, coordinator: link, logger: silentLogger() });
  await runtime.start();
  return runtime;
}

describe('participant runtime', () => {
  for (const behaviour of ['throw', 'no'] as const) {
    it(`a prepare that ${behaviour === 'throw' ? 'fails' : 'votes no'} aborts the branch at once, without waiting for the coordinator`, async () => {
      const rm = new RecordingRm();
      rm.prepareBehaviour = behaviour;
      const runtime = await runtimeWith(rm);
      await runtime.run(TX, async () => undefined);
      const vote = await runtime.prepare(TX);
      expect(vote.vote).toBe('no');
      expect(rm.calls).toEqual([`prepare ${TX}`, `abort ${TX}`]);
      expect(runtime.branchCount()).toBe(0);
      await runtime.stop();
    });
  }

  it('a yes vote leaves the branch in doubt until the decision', async () => {
    const rm = new RecordingRm();
    const runtime = await runtimeWith(rm);
    await runtime.run(TX, async () => undefined);
    expect(await runtime.prepare(TX)).toEqual({ vote: 'yes' });
    expect(runtime.inDoubt().map((b) => b.txId)).toEqual([TX]);
    await runtime.commit(TX);
    expect(rm.calls).toEqual([`prepare ${TX}`, `commit ${TX}`]);
    expect(runtime.branchCount()).toBe(0);
    await runtime.stop();
  });

  it('a Commit that arrives while the branch resolves itself takes the answer of that resolution: one commit at the resource manager, not a second to verify it', async () => {
    const rm = new RecordingRm();
    rm.recover = async () => ({ prepared: [{ txId: TX, preparedAtMs: 0 }], abortedLeftovers: 0 });
    let releaseCommit!: () => void;
    rm.commitGate = new Promise((resolve) => (releaseCommit = resolve));
    // the restarted branch asks at once and hears committed; its own commit then hangs a while
    const runtime = await runtimeWith(rm, { ...coordinator, getOutcome: async () => 'committed' });
    for (let i = 0; i < 100 && rm.calls.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(rm.calls).toEqual([`commit ${TX}`]);
    const fromCoordinator = runtime.commit(TX);
    const repeated = runtime.commit(TX);
    releaseCommit();
    expect(await fromCoordinator).toEqual({ alreadyCommitted: false });
    expect(await repeated).toEqual({ alreadyCommitted: false });
    expect(rm.calls).toEqual([`commit ${TX}`]);
    expect(runtime.inDoubtCount()).toBe(0);
    // once it has ended, a later Commit is answered from what the resource manager said then
    expect(await runtime.commit(TX)).toEqual({ alreadyCommitted: true });
    expect(rm.calls).toEqual([`commit ${TX}`]);
    await runtime.stop();
  });

  it('a restart resolves its in-doubt branches at most participantResolutionsInFlightMax at a time, the others in turn, each once', async () => {
    const rm = new RecordingRm();
    const txIds = Array.from({ length: limits.participantResolutionsInFlightMax + 36 }, (_, i) => `tx_${String(i).padStart(21, '0')}`);
    rm.recover = async () => ({ prepared: txIds.map((txId) => ({ txId, preparedAtMs: 0 })), abortedLeftovers: 0 });
    let running = 0;
    let mostRunning = 0;
    const gates: (() => void)[] = [];
    rm.commit = async (txId: string) => {
      rm.calls.push(`commit ${txId}`);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
      return { alreadyCommitted: false };
    };
    const runtime = await runtimeWith(rm, { ...coordinator, getOutcome: async () => 'committed' });
    for (let i = 0; i < 400 && runtime.inDoubtCount() > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const open of gates.splice(0)) open();
    }
    expect(runtime.inDoubtCount()).toBe(0);
    expect(mostRunning).toBe(limits.participantResolutionsInFlightMax);
    expect(rm.calls.sort()).toEqual(txIds.map((txId) => `commit ${txId}`).sort());
    await runtime.stop();
  });

  it('while the coordinator does not answer, in-doubt branches wait for it and one asks per tick; its first answer lets them all ask at once', async () => {
    const rm = new RecordingRm();
    const txIds = Array.from({ length: 200 }, (_, i) => `tx_${String(i).padStart(21, '0')}`);
    rm.recover = async () => ({ prepared: txIds.map((txId) => ({ txId, preparedAtMs: 0 })), abortedLeftovers: 0 });
    let up = false;
    let asked = 0;
    const link: CoordinatorLink = {
      ...coordinator,
      getOutcome: async () => {
        asked += 1;
        if (!up) throw new Error('UNAVAILABLE: no connection');
        return 'committed';
      },
    };
    const runtime = new ParticipantRuntime({ rm, coordinator: link, logger: silentLogger(), tickIntervalMs: 10 });
    await runtime.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // every branch asked once at the start; since then about one probe per tick, not 200 each with its own backoff
    expect(asked).toBeGreaterThanOrEqual(200);
    expect(asked).toBeLessThan(200 + 60);
    up = true;
    for (let i = 0; i < 200 && runtime.inDoubtCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runtime.inDoubtCount()).toBe(0);
    expect(rm.calls).toHaveLength(200);
    await runtime.stop();
  });
});
