import { describe, expect, it, onTestFinished } from 'vitest';
import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import type { DecisionLog, ReplayResult } from '../../coordinator/log/decision-log.js';
import type { LogRecord } from '../../coordinator/protocol/log-record.js';
import { LogQueueFullError } from '../../coordinator/log/log-errors.js';
import type { ParticipantConnector } from '../../coordinator/participant-connector.js';
import { coordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import { httpStatusOf } from '../../gateway/http-status-of.js';
import { serviceError } from '../../lib/grpc/service-error.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { fromGrpcError } from '../../sdk/sdk-errors.js';

/** A decision log whose commit appends are refused as a full queue would refuse them: nothing written. */
class RefusingLog implements DecisionLog {
  readonly appended: LogRecord[] = [];

  async open(): Promise<ReplayResult> {
    return { records: [], truncatedBytes: 0 };
  }

  async append(record: LogRecord): Promise<void> {
    if (record.kind === 'commit') throw new LogQueueFullError('/log', 17 * 1024 * 1024, 16 * 1024 * 1024);
    this.appended.push(record);
  }

  stats() {
    return { appends: 0, syncedCommits: 0, syncs: 0, writes: 0, segments: 0, segmentsDeleted: 0 };
  }

  async close(): Promise<void> {}
}

/** A decision log that takes every record (durability is not what these tests look at). */
class AcceptingLog extends RefusingLog {
  override async append(record: LogRecord): Promise<void> {
    this.appended.push(record);
  }
}

/** Participants that vote yes and ack everything, recording what they were told. */
class YesConnector implements ParticipantConnector {
  readonly sent: string[] = [];

  async prepare(): Promise<{ vote: 'yes' | 'no'; reason: string }> {
    return { vote: 'yes', reason: '' };
  }

  async commit(participantId: string, txId: string): Promise<void> {
    this.sent.push(`commit ${participantId} ${txId}`);
  }

  async abort(participantId: string, txId: string): Promise<void> {
    this.sent.push(`abort ${participantId} ${txId}`);
  }

  async commitOnePhase(participantId: string, txId: string): Promise<'committed' | 'aborted'> {
    this.sent.push(`commitOnePhase ${participantId} ${txId}`);
    return 'committed';
  }

  async resolveOutcome(): Promise<'committed' | 'aborted'> {
    return 'aborted';
  }

  list() {
    return [];
  }

  close(): void {}
}

function recordUnhandledRejections(): unknown[] {
  const errors: unknown[] = [];
  const record = (err: unknown): void => void errors.push(err);
  process.on('unhandledRejection', record);
  onTestFinished(() => void process.removeListener('unhandledRejection', record));
  return errors;
}

describe('coordinator runtime', () => {
  it('a commit record the decision log refuses (queue full) answers RESOURCE_EXHAUSTED and aborts the tx, with no unhandled rejection', async () => {
    const unhandled = recordUnhandledRejections();
    const connector = new YesConnector();
    const runtime = new CoordinatorRuntime({ config: coordinatorConfig(), log: new RefusingLog(), connector, logger: silentLogger(), tickIntervalMs: 5 });
    await runtime.start();
    onTestFinished(() => runtime.stop(100));
    const begun = await runtime.begin(0);
    if (begun.kind !== 'begun') throw new Error(`begin: ${JSON.stringify(begun)}`);
    const { txId } = begun;
    expect(await runtime.enlist(txId, 'blob')).toMatchObject({ kind: 'enlisted' });
    expect(await runtime.enlist(txId, 'metadata')).toMatchObject({ kind: 'enlisted' });

    const commit = await Promise.race([runtime.commit(txId), new Promise((resolve) => setTimeout(() => resolve('no answer'), 2_000))]);
    expect(commit).toMatchObject({ kind: 'refused', code: 'RESOURCE_EXHAUSTED' });
    // an outage to retry at the gateway, not a 413
    const { message } = commit as { message: string };
    expect(httpStatusOf(fromGrpcError(serviceError('RESOURCE_EXHAUSTED', message), 'commit'))).toEqual({ status: 503, retryable: true });

    // not stuck deciding: the decision is abort, told to every participant, and GetOutcome says so
    expect(await runtime.getOutcome(txId)).toMatchObject({ kind: 'outcome', outcome: 'aborted', presumed: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connector.sent.sort()).toEqual([`abort blob ${txId}`, `abort metadata ${txId}`]);
    expect(runtime.stats().live).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('every tx committed inside one retention window answers committed via GetOutcome, though more than finishedTxMax were driven through it', async () => {
    const finishedTxMax = 4;
    const config = coordinatorConfig({ finishedTxMax, finishedRetentionMs: 60_000 });
    const runtime = new CoordinatorRuntime({ config, log: new AcceptingLog(), connector: new YesConnector(), logger: silentLogger(), tickIntervalMs: 5 });
    await runtime.start();
    onTestFinished(() => runtime.stop(100));
    const committed: string[] = [];
    const refusals: string[] = [];
    for (let i = 0; i < 3 * finishedTxMax; i += 1) {
      const begun = await runtime.begin(0);
      if (begun.kind !== 'begun') {
        refusals.push(begun.kind === 'refused' ? begun.code : begun.kind);
        continue;
      }
      await runtime.enlist(begun.txId, 'blob');
      expect(await runtime.commit(begun.txId)).toMatchObject({ kind: 'outcome', outcome: 'committed' });
      committed.push(begun.txId);
    }
    expect(committed.length + refusals.length).toBe(3 * finishedTxMax);
    expect(refusals.every((code) => code === 'RESOURCE_EXHAUSTED')).toBe(true);
    for (const txId of committed) expect(await runtime.getOutcome(txId), txId).toMatchObject({ kind: 'outcome', outcome: 'committed', presumed: false });
  });

  it('a restart answers GetOutcome from the replayed log before it re-drives anything, then re-drives its unacked commits at most phase2CallsInFlightMax at a time to each participant, the next as each is answered', async () => {
    const txIds = Array.from({ length: 50 }, (_, i) => `tx_${String(i).padStart(21, '0')}`);
    const log = new AcceptingLog();
    log.open = async (): Promise<ReplayResult> => ({ records: txIds.map((txId) => ({ kind: 'commit' as const, txId, participants: ['blob', 'metadata'], decidedAtMs: 1 })), truncatedBytes: 0 });
    const inFlight = new Map<string, number>();
    let mostInFlight = 0;
    const answers: (() => void)[] = [];
    const connector = new YesConnector();
    connector.commit = (participantId: string) => {
      inFlight.set(participantId, (inFlight.get(participantId) ?? 0) + 1);
      mostInFlight = Math.max(mostInFlight, ...inFlight.values());
      return new Promise<void>((resolve) =>
        answers.push(() => {
          inFlight.set(participantId, (inFlight.get(participantId) ?? 0) - 1);
          resolve();
        }),
      );
    };
    const runtime = new CoordinatorRuntime({ config: coordinatorConfig(), log, connector, logger: silentLogger(), tickIntervalMs: 5, phase2CallsInFlightMax: 4 });
    // held, as the coordinator's main holds them until its server listens: the replayed log answers, nothing is sent
    await runtime.start({ holdPhase2: true });
    onTestFinished(() => runtime.stop(100));
    expect(await runtime.getOutcome(txIds[49] ?? '')).toMatchObject({ kind: 'outcome', outcome: 'committed' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inFlight.size).toBe(0);
    runtime.releasePhase2();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect([...inFlight.values()]).toEqual([4, 4]);
    while (runtime.stats().live > 0) {
      const batch = answers.splice(0);
      expect(batch.length).toBeGreaterThan(0);
      for (const answer of batch) answer();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(mostInFlight).toBe(4);
    expect(log.appended.filter((r) => r.kind === 'end')).toHaveLength(50);
  });

  it('a participant that does not answer phase 2 gets one call per tick until it does, not every waiting send failing on its own; its first answer lets them all go', async () => {
    const txIds = Array.from({ length: 300 }, (_, i) => `tx_${String(i).padStart(21, '0')}`);
    const log = new AcceptingLog();
    log.open = async (): Promise<ReplayResult> => ({ records: txIds.map((txId) => ({ kind: 'commit' as const, txId, participants: ['blob'], decidedAtMs: 1 })), truncatedBytes: 0 });
    let down = true;
    let calls = 0;
    const connector = new YesConnector();
    connector.commit = async () => {
      calls += 1;
      if (down) throw serviceError('UNAVAILABLE', 'no connection');
    };
    const config = coordinatorConfig({ retryBackoffMsBase: 1, retryBackoffMsMax: 5 });
    const runtime = new CoordinatorRuntime({ config, log, connector, logger: silentLogger(), tickIntervalMs: 10 });
    await runtime.start();
    onTestFinished(() => runtime.stop(100));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // the first window's calls, then about one probe per tick: not 300 txs retried every 5 ms
    expect(calls).toBeLessThan(256 + 60);
    down = false;
    for (let i = 0; i < 100 && runtime.stats().live > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runtime.stats().live).toBe(0);
  });
});
