import { describe, expect, it } from 'vitest';
import type { CoordinatorEffect } from '../../coordinator/protocol/coordinator-effect.js';
import { ProtocolDriver, replyIn, sendsIn } from './protocol-driver.js';

const TX = 'tx_aaaaaaaaaaaaaaaaaaaaa';
const TX2 = 'tx_bbbbbbbbbbbbbbbbbbbbb';

/** Begin, enlist blob and metadata, ask Commit; returns the commit request id. */
function preparing(d: ProtocolDriver, txId = TX): number {
  d.begin(txId);
  d.enlist(txId, 'blob');
  d.enlist(txId, 'metadata');
  const { requestId, effects } = d.request({ kind: 'commit', txId });
  expect(sendsIn(effects, 'sendPrepare').map((s) => s.to)).toEqual(['blob', 'metadata']);
  return requestId;
}

/** Drives a tx to the durable commit decision; returns the commit request id. */
function committing(d: ProtocolDriver, txId = TX): number {
  const requestId = preparing(d, txId);
  d.feed({ kind: 'vote', txId, from: 'blob', vote: 'yes', reason: '' });
  d.feed({ kind: 'vote', txId, from: 'metadata', vote: 'yes', reason: '' });
  d.feed({ kind: 'decisionSynced', txId });
  return requestId;
}

function decisionsSent(effects: readonly CoordinatorEffect[], decision: 'commit' | 'abort'): string[] {
  return sendsIn(effects, 'sendDecision').filter((s) => s.decision === decision).map((s) => s.to);
}

describe('coordinator protocol core', () => {
  it('a single no vote aborts every branch', () => {
    const d = new ProtocolDriver();
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    const effects = d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'no', reason: 'precondition failed' });
    expect(decisionsSent(effects, 'abort').sort()).toEqual(['blob', 'metadata']);
    expect(effects.some((e) => e.kind === 'appendCommit')).toBe(false);
    const r = replyIn(effects, commitId);
    expect(r).toMatchObject({ kind: 'outcome', outcome: 'aborted' });
    expect(r?.kind === 'outcome' && r.reason).toContain('metadata voted no: precondition failed');
    // presumed abort: an abort decision is never logged
    expect(d.allEffects().some((e) => e.kind === 'appendCommit' || e.kind === 'appendEnd')).toBe(false);
  });

  it('a prepare deadline aborts', () => {
    const d = new ProtocolDriver({ prepareTimeoutMs: 5_000 });
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    expect(decisionsSent(d.tick(5_999), 'abort')).toEqual([]);
    const effects = d.tick(6_000);
    expect(decisionsSent(effects, 'abort').sort()).toEqual(['blob', 'metadata']);
    expect(replyIn(effects, commitId)).toMatchObject({ outcome: 'aborted' });
    // the late yes changes nothing
    const late = d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'yes', reason: '' });
    expect(late).toEqual([]);
  });

  it('a transaction not committed by its deadline is aborted', () => {
    const d = new ProtocolDriver();
    d.begin(TX, 2_000);
    d.enlist(TX, 'blob');
    const effects = d.tick(3_000);
    expect(decisionsSent(effects, 'abort')).toEqual(['blob']);
    expect(d.enlist(TX, 'metadata')).toMatchObject({ kind: 'refused', code: 'FAILED_PRECONDITION' });
  });

  it('Commit is never sent before the decision sync is acknowledged', () => {
    const d = new ProtocolDriver();
    preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    const decided = d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'yes', reason: '' });
    expect(decided).toEqual([
      { kind: 'appendCommit', record: { kind: 'commit', txId: TX, participants: ['blob', 'metadata'], decidedAtMs: 1_000 } },
    ]);
    // time passes, repeated Commit and GetOutcome calls arrive: still no Commit, and nobody is told committed
    const meanwhile = [...d.tick(1_500), ...d.request({ kind: 'commit', txId: TX }).effects];
    const outcome = d.request({ kind: 'getOutcome', txId: TX });
    expect(replyIn(outcome.effects)).toMatchObject({ outcome: 'preparing' });
    expect(decisionsSent(meanwhile, 'commit')).toEqual([]);
    expect(meanwhile.filter((e) => e.kind === 'reply')).toEqual([]);
    const synced = d.feed({ kind: 'decisionSynced', txId: TX });
    expect(decisionsSent(synced, 'commit')).toEqual(['blob', 'metadata']);
    // across the whole trace: the first commit send comes after the decisionSynced input
    const firstSend = d.trace.findIndex((t) => t.effects.some((e) => e.kind === 'sendDecision' && e.decision === 'commit'));
    const syncedAt = d.trace.findIndex((t) => t.input.kind === 'decisionSynced');
    expect(firstSend).toBe(syncedAt);
  });

  it('Commit returns committed once every participant acked, and only then logs the end', () => {
    const d = new ProtocolDriver();
    const commitId = committing(d);
    const first = d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    expect(first).toEqual([]);
    const last = d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(replyIn(last, commitId)).toMatchObject({ outcome: 'committed', pending: [] });
    expect(last).toContainEqual({ kind: 'appendEnd', record: { kind: 'end', txId: TX } });
  });

  it('past the phase-2 wait a durable Commit returns committed naming the pending participants', () => {
    const d = new ProtocolDriver({ phase2WaitMs: 2_000 });
    const commitId = committing(d);
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    expect(replyIn(d.tick(2_999), commitId)).toBeUndefined();
    expect(replyIn(d.tick(3_000), commitId)).toMatchObject({ outcome: 'committed', pending: ['metadata'] });
    expect(d.allEffects().some((e) => e.kind === 'appendEnd')).toBe(false);
  });

  it('phase 2 retries with capped exponential backoff until acked', () => {
    const d = new ProtocolDriver({ retryBackoffMsBase: 100, retryBackoffMsMax: 1_000 });
    committing(d);
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    let now = 1_000;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      d.feed({ kind: 'sendFailed', txId: TX, to: 'metadata', decision: 'commit', reason: 'unavailable' });
      const sentAt = now;
      for (;;) {
        now += 1;
        if (decisionsSent(d.tick(now), 'commit').includes('metadata')) break;
      }
      delays.push(now - sentAt);
    }
    // 100, 200, 400, 800, then capped at 1000 — each within the ±25% jitter
    const nominal = [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal[i]! * 0.75));
      expect(delay).toBeLessThanOrEqual(Math.ceil(nominal[i]! * 1.25) + 1);
    });
    const done = d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(done).toContainEqual({ kind: 'appendEnd', record: { kind: 'end', txId: TX } });
  });

  it('repeated Commit and Abort return the first outcome', () => {
    const d = new ProtocolDriver();
    committing(d);
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(replyIn(d.request({ kind: 'commit', txId: TX }).effects)).toMatchObject({ outcome: 'committed', presumed: false });
    expect(replyIn(d.request({ kind: 'abort', txId: TX, reason: 'late' }).effects)).toMatchObject({ outcome: 'committed' });

    d.begin(TX2);
    d.enlist(TX2, 'blob');
    expect(replyIn(d.request({ kind: 'abort', txId: TX2, reason: 'user cancelled' }).effects)).toMatchObject({
      outcome: 'aborted',
      reason: 'user cancelled',
    });
    const again = d.request({ kind: 'commit', txId: TX2 }).effects;
    expect(replyIn(again)).toMatchObject({ outcome: 'aborted', reason: 'user cancelled' });
    expect(sendsIn(again, 'sendPrepare')).toEqual([]);
    d.feed({ kind: 'ack', txId: TX2, from: 'blob', decision: 'abort' });
    expect(replyIn(d.request({ kind: 'commit', txId: TX2 }).effects)).toMatchObject({ outcome: 'aborted', presumed: false });
  });

  it('an Abort racing the commit record loses: the first decision stands', () => {
    const d = new ProtocolDriver();
    preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'yes', reason: '' });
    const abort = d.request({ kind: 'abort', txId: TX, reason: 'too late' });
    expect(replyIn(abort.effects)).toBeUndefined();
    d.feed({ kind: 'decisionSynced', txId: TX });
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(d.repliesTo(abort.requestId)).toMatchObject([{ outcome: 'committed' }]);
  });

  it('Enlist after Commit is refused', () => {
    const d = new ProtocolDriver();
    preparing(d);
    expect(d.enlist(TX, 'blob')).toMatchObject({ kind: 'refused', code: 'FAILED_PRECONDITION' });
    expect(d.enlist('tx_unknownunknownunknown', 'blob')).toMatchObject({ kind: 'refused', code: 'NOT_FOUND' });
  });

  it('a participant that restarted since it enlisted is refused and the tx aborted: its earlier work is lost', () => {
    const d = new ProtocolDriver();
    d.begin(TX);
    expect(d.enlist(TX, 'blob', 'boot-1')).toMatchObject({ kind: 'enlisted' });
    expect(d.enlist(TX, 'blob', 'boot-1')).toMatchObject({ kind: 'enlisted' });
    expect(d.enlist(TX, 'blob', 'boot-2')).toMatchObject({ kind: 'refused', code: 'FAILED_PRECONDITION' });
    expect(replyIn(d.request({ kind: 'commit', txId: TX }).effects)).toMatchObject({ outcome: 'aborted' });
  });

  it('Enlist of a participant the coordinator does not know is refused', () => {
    const d = new ProtocolDriver({ knownParticipants: ['blob', 'metadata'] });
    d.begin(TX);
    expect(d.enlist(TX, 'evil')).toMatchObject({ kind: 'refused', code: 'INVALID_ARGUMENT' });
    expect(d.enlist(TX, 'blob')).toMatchObject({ kind: 'enlisted' });
    expect(d.enlist(TX, 'blob')).toMatchObject({ kind: 'enlisted' });
  });

  it('limits on in-flight transactions and participants per transaction give RESOURCE_EXHAUSTED', () => {
    const d = new ProtocolDriver({ txInFlightMax: 2, participantsPerTxMax: 1 });
    d.begin(TX);
    d.begin(TX2);
    const third = d.request({ kind: 'begin', txId: 'tx_ccccccccccccccccccccc', timeoutMs: 0 });
    expect(replyIn(third.effects)).toMatchObject({ kind: 'refused', code: 'RESOURCE_EXHAUSTED' });
    d.enlist(TX, 'blob');
    expect(d.enlist(TX, 'metadata')).toMatchObject({ kind: 'refused', code: 'RESOURCE_EXHAUSTED' });
  });

  it('a transaction with no participants commits without touching the log', () => {
    const d = new ProtocolDriver();
    d.begin(TX);
    expect(replyIn(d.request({ kind: 'commit', txId: TX }).effects)).toMatchObject({ outcome: 'committed' });
    expect(d.allEffects().filter((e) => e.kind !== 'reply')).toEqual([]);
  });

  it('after restart an unknown tx is aborted and a COMMIT without END is re-driven', () => {
    const d = new ProtocolDriver();
    const effects = d.feed({
      kind: 'recover',
      records: [
        { kind: 'commit', txId: TX, participants: ['blob', 'metadata'], decidedAtMs: 10 },
        { kind: 'commit', txId: TX2, participants: ['blob'], decidedAtMs: 11 },
        { kind: 'end', txId: TX2 },
        { kind: 'end', txId: 'tx_reclaimedreclaimedrec' },
      ],
    });
    expect(decisionsSent(effects, 'commit').sort()).toEqual(['blob', 'metadata']);
    expect(effects.filter((e) => e.kind === 'sendDecision' && e.txId === TX2)).toEqual([]);
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'committed' });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX2 }).effects)).toMatchObject({ outcome: 'committed', presumed: false });
    // an end whose commit record was reclaimed still proves the commit
    expect(replyIn(d.request({ kind: 'getOutcome', txId: 'tx_reclaimedreclaimedrec' }).effects)).toMatchObject({ outcome: 'committed', presumed: false });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: 'tx_neverseenneverseennev' }).effects)).toMatchObject({
      outcome: 'aborted',
      presumed: true,
    });
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    const end = d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(end).toContainEqual({ kind: 'appendEnd', record: { kind: 'end', txId: TX } });
  });

  it('a tick visits only the txs that are due: 10,000 re-driven commits awaiting acks are not scanned, a failed send is retried at its time', () => {
    const d = new ProtocolDriver();
    const ids = Array.from({ length: 10_000 }, (_, i) => `tx_${String(i).padStart(21, '0')}`);
    d.feed({ kind: 'recover', records: ids.map((txId) => ({ kind: 'commit' as const, txId, participants: ['blob', 'metadata'], decidedAtMs: 10 })) });
    // every Commit is in flight: nothing is due until an answer comes
    expect(d.state.due.size).toBe(0);
    expect(d.tick(1_000_000)).toEqual([]);
    const [first = '', second = ''] = ids;
    d.feed({ kind: 'sendFailed', txId: first, to: 'blob', decision: 'commit', reason: 'unavailable' });
    d.feed({ kind: 'ack', txId: second, from: 'blob', decision: 'commit' });
    expect(d.state.due.size).toBe(1);
    const retryAtMs = d.state.due.atMsOf(first) ?? 0;
    expect(d.tick(retryAtMs - 1)).toEqual([]);
    expect(d.tick(retryAtMs)).toEqual([{ kind: 'sendDecision', txId: first, to: 'blob', decision: 'commit' }]);
    expect(d.state.due.size).toBe(0);
  });

  it('a commit record the log refused aborts the tx: no Commit is sent, the caller hears RESOURCE_EXHAUSTED', () => {
    const d = new ProtocolDriver();
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'yes', reason: '' });
    const effects = d.feed({ kind: 'decisionRefused', txId: TX, reason: 'queue full' });
    expect(replyIn(effects, commitId)).toMatchObject({ kind: 'refused', code: 'RESOURCE_EXHAUSTED' });
    expect(decisionsSent(effects, 'abort').sort()).toEqual(['blob', 'metadata']);
    expect(decisionsSent(d.allEffects(), 'commit')).toEqual([]);
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', presumed: false });
  });

  it('no committed outcome is forgotten inside its retention window: past finishedTxMax remembered outcomes, Begin is refused instead', () => {
    const finishedTxMax = 5;
    const d = new ProtocolDriver({ finishedTxMax, finishedRetentionMs: 60_000 });
    const committed: string[] = [];
    const refused: string[] = [];
    // more txs than the coordinator may remember, all inside one retention window
    for (let i = 0; i < 3 * finishedTxMax; i += 1) {
      const txId = `tx_window${String(i).padStart(15, '0')}`;
      const { requestId, effects } = d.request({ kind: 'begin', txId, timeoutMs: 0 });
      const begun = replyIn(effects, requestId);
      if (begun?.kind === 'refused') {
        expect(begun.code).toBe('RESOURCE_EXHAUSTED');
        refused.push(txId);
        continue;
      }
      d.enlist(txId, 'blob');
      const commitId = d.request({ kind: 'commit', txId }).requestId;
      d.feed({ kind: 'vote', txId, from: 'blob', vote: 'yes', reason: '' });
      d.feed({ kind: 'decisionSynced', txId });
      d.feed({ kind: 'ack', txId, from: 'blob', decision: 'commit' });
      expect(d.repliesTo(commitId)).toMatchObject([{ kind: 'outcome', outcome: 'committed' }]);
      committed.push(txId);
      d.tick(d.state.nowMs + 100);
    }
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.length + refused.length).toBeGreaterThan(finishedTxMax);
    for (const txId of committed) {
      expect(replyIn(d.request({ kind: 'getOutcome', txId }).effects), txId).toMatchObject({ outcome: 'committed', presumed: false });
    }
    // once the window has passed, the outcomes are forgotten and new txs are admitted again
    d.tick(d.state.nowMs + 60_000);
    const { requestId, effects } = d.request({ kind: 'begin', txId: 'tx_afterthewindow000000', timeoutMs: 0 });
    expect(replyIn(effects, requestId)).toMatchObject({ kind: 'begun' });
  });

  it('finished outcomes are forgotten after their retention, and then presumed aborted', () => {
    const d = new ProtocolDriver({ finishedRetentionMs: 1_000 });
    d.begin(TX);
    d.request({ kind: 'abort', txId: TX, reason: 'x' });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', presumed: false });
    d.tick(2_001);
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', presumed: true });
  });

  it('an abort no participant acks is dropped after its retry period', () => {
    const d = new ProtocolDriver({ abortRetryForMs: 10_000 });
    d.begin(TX);
    d.enlist(TX, 'blob');
    d.request({ kind: 'abort', txId: TX, reason: 'x' });
    d.feed({ kind: 'sendFailed', txId: TX, to: 'blob', decision: 'abort', reason: 'down' });
    d.tick(11_000);
    expect(d.state.live.size).toBe(0);
  });
});

describe('coordinator protocol core: the cause of an abort', () => {
  /** The reply to the commit of a tx whose metadata branch voted no with `reason` and `cause`. */
  function commitAfterNo(reason: string, cause?: 'conflict' | 'outage') {
    const d = new ProtocolDriver();
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'no', reason, ...(cause === undefined ? {} : { cause }) });
    return { d, reply: d.repliesTo(commitId)[0] };
  }

  it("a no vote's cause, never its reason's words, decides whether the abort is a conflict", () => {
    expect(commitAfterNo('prepare failed: Connection terminated unexpectedly', 'conflict').reply).toMatchObject({ outcome: 'aborted', cause: 'conflict' });
    expect(commitAfterNo('could not serialize access due to concurrent update', 'outage').reply).toMatchObject({ outcome: 'aborted', cause: 'outage' });
  });

  it('a no vote that says no cause is an outage', () => {
    expect(commitAfterNo('write conflict').reply).toMatchObject({ outcome: 'aborted', cause: 'outage' });
  });

  it('the cause is remembered with the outcome: GetOutcome and a repeated Commit answer it too', () => {
    const { d } = commitAfterNo('lock timeout', 'conflict');
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', cause: 'conflict' });
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'abort' });
    d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'abort' });
    expect(d.state.live.size).toBe(0);
    expect(replyIn(d.request({ kind: 'commit', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', cause: 'conflict' });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', cause: 'conflict' });
  });

  it('a deadline, a client and a missing vote each say so; an unknown tx is an outage; a commit has no cause', () => {
    const late = new ProtocolDriver();
    late.begin(TX, 1_000);
    late.tick(10_000);
    expect(replyIn(late.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted', cause: 'deadline' });

    const client = new ProtocolDriver();
    client.begin(TX);
    expect(replyIn(client.request({ kind: 'abort', txId: TX, reason: 'conflict in my own bookkeeping' }).effects)).toMatchObject({ outcome: 'aborted', cause: 'client' });

    const silent = new ProtocolDriver({ prepareTimeoutMs: 5_000 });
    const commitId = preparing(silent);
    expect(replyIn(silent.tick(10_000), commitId)).toMatchObject({ outcome: 'aborted', cause: 'outage' });

    expect(replyIn(new ProtocolDriver().request({ kind: 'getOutcome', txId: TX2 }).effects)).toMatchObject({ outcome: 'aborted', presumed: true, cause: 'outage' });

    const d = new ProtocolDriver();
    const committedId = committing(d);
    d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    d.feed({ kind: 'ack', txId: TX, from: 'metadata', decision: 'commit' });
    expect(d.repliesTo(committedId)[0]).not.toHaveProperty('cause');
  });
});
