import { describe, expect, it } from 'vitest';
import type { CoordinatorEffect } from '../../coordinator/protocol/coordinator-effect.js';
import { ProtocolDriver, replyIn, sendsIn } from './protocol-driver.js';

const TX = 'tx_aaaaaaaaaaaaaaaaaaaaa';
const lastResourceMode = { lastResource: 'metadata' };

/** Begin, enlist blob and metadata, ask Commit; returns the commit request id. */
function preparing(d: ProtocolDriver): number {
  d.begin(TX);
  d.enlist(TX, 'blob');
  d.enlist(TX, 'metadata');
  return d.request({ kind: 'commit', txId: TX }).requestId;
}

function kinds(effects: readonly CoordinatorEffect[]): string[] {
  return effects.map((e) => e.kind);
}

describe('coordinator core in last-resource mode', () => {
  it('prepares every participant but the last resource, then asks the last resource to commit one-phase: nothing is forced at the coordinator', () => {
    const d = new ProtocolDriver(lastResourceMode);
    preparing(d);
    expect(sendsIn(d.allEffects(), 'sendPrepare').map((s) => s.to)).toEqual(['blob']);
    const decided = d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    expect(decided).toEqual([{ kind: 'commitLastResource', txId: TX, to: 'metadata', participants: ['blob', 'metadata'] }]);
    expect(d.allEffects().some((e) => e.kind === 'appendCommit')).toBe(false);
  });

  it('tells no one to commit before the last resource answers committed, then only the others, with an unsynced hint', () => {
    const d = new ProtocolDriver(lastResourceMode);
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'preparing' });
    expect(sendsIn(d.allEffects(), 'sendDecision')).toEqual([]);
    const committed = d.feed({ kind: 'lastResourceAnswered', txId: TX, outcome: 'committed', reason: '' });
    expect(kinds(committed)).toEqual(['appendCommitHint', 'sendDecision']);
    expect(sendsIn(committed, 'sendDecision')).toEqual([{ to: 'blob', decision: 'commit' }]);
    const acked = d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    expect(replyIn(acked, commitId)).toMatchObject({ outcome: 'committed' });
    expect(kinds(acked)).toContain('appendEnd');
  });

  it('a last resource that did not commit aborts the prepared others', () => {
    const d = new ProtocolDriver(lastResourceMode);
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    const aborted = d.feed({ kind: 'lastResourceAnswered', txId: TX, outcome: 'aborted', reason: 'unique violation' });
    expect(sendsIn(aborted, 'sendDecision').filter((s) => s.decision === 'abort').map((s) => s.to).sort()).toEqual(['blob', 'metadata']);
    expect(replyIn(aborted, commitId)).toMatchObject({ outcome: 'aborted' });
  });

  it('an unknown answer is never guessed: the compare-and-set at the last resource decides, retried until it answers', () => {
    const d = new ProtocolDriver({ ...lastResourceMode, retryBackoffMsBase: 100, retryBackoffMsMax: 100 });
    const commitId = preparing(d);
    d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    expect(d.feed({ kind: 'lastResourceAnswered', txId: TX, outcome: 'unknown', reason: 'deadline exceeded' })).toEqual([
      { kind: 'resolveAtLastResource', txId: TX, to: 'metadata' },
    ]);
    // a client Abort meanwhile does not decide: the commit may have happened there
    const abortCall = d.request({ kind: 'abort', txId: TX, reason: 'gave up' });
    expect(replyIn(abortCall.effects)).toBeUndefined();
    expect(d.feed({ kind: 'resolved', txId: TX, outcome: 'unknown' })).toEqual([]);
    expect(d.tick(1_050)).toEqual([]);
    expect(d.tick(1_200)).toEqual([{ kind: 'resolveAtLastResource', txId: TX, to: 'metadata' }]);
    const done = d.feed({ kind: 'resolved', txId: TX, outcome: 'committed' });
    expect(sendsIn(done, 'sendDecision')).toEqual([{ to: 'blob', decision: 'commit' }]);
    const acked = d.feed({ kind: 'ack', txId: TX, from: 'blob', decision: 'commit' });
    expect(replyIn(acked, commitId)).toMatchObject({ outcome: 'committed' });
    expect(replyIn(acked, abortCall.requestId)).toMatchObject({ outcome: 'committed' });
  });

  it('a tx a restart forgot is not presumed aborted: GetOutcome asks the last resource, and its answer is remembered', () => {
    const d = new ProtocolDriver(lastResourceMode);
    const ask = d.request({ kind: 'getOutcome', txId: TX });
    expect(ask.effects).toEqual([{ kind: 'resolveAtLastResource', txId: TX, to: 'metadata' }]);
    const second = d.request({ kind: 'getOutcome', txId: TX });
    expect(replyIn(second.effects)).toBeUndefined();
    const resolved = d.feed({ kind: 'resolved', txId: TX, outcome: 'committed' });
    expect(replyIn(resolved, ask.requestId)).toMatchObject({ outcome: 'committed', presumed: false });
    expect(replyIn(resolved, second.requestId)).toMatchObject({ outcome: 'committed' });
    // remembered: the next question is answered without asking again
    const again = d.request({ kind: 'getOutcome', txId: TX });
    expect(again.effects).toEqual([expect.objectContaining({ kind: 'reply', reply: expect.objectContaining({ outcome: 'committed' }) })]);
  });

  it('a forgotten tx the last resource settles as aborted reads as a presumed abort, so the SDK trusts it only within the retention', () => {
    const d = new ProtocolDriver(lastResourceMode);
    const ask = d.request({ kind: 'commit', txId: TX });
    const resolved = d.feed({ kind: 'resolved', txId: TX, outcome: 'aborted' });
    expect(replyIn(resolved, ask.requestId)).toMatchObject({ outcome: 'aborted', presumed: true });
  });

  it('a tx without the last resource is full two-phase commit, and a tx of the last resource alone commits one-phase without any prepare', () => {
    const d = new ProtocolDriver(lastResourceMode);
    d.begin(TX);
    d.enlist(TX, 'blob');
    d.request({ kind: 'commit', txId: TX });
    const decided = d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
    expect(kinds(decided)).toEqual(['appendCommit']);

    const TX2 = 'tx_bbbbbbbbbbbbbbbbbbbbb';
    d.begin(TX2);
    d.enlist(TX2, 'metadata');
    const alone = d.request({ kind: 'commit', txId: TX2 });
    expect(alone.effects).toEqual([{ kind: 'commitLastResource', txId: TX2, to: 'metadata', participants: ['metadata'] }]);
    const committed = d.feed({ kind: 'lastResourceAnswered', txId: TX2, outcome: 'committed', reason: '' });
    expect(replyIn(committed, alone.requestId)).toMatchObject({ outcome: 'committed' });
    expect(kinds(committed)).toEqual(['reply']);
  });

  it('refuses to take on an unknown tx to resolve when it holds its maximum of unfinished txs', () => {
    const d = new ProtocolDriver({ ...lastResourceMode, txInFlightMax: 1 });
    d.begin(TX);
    const ask = d.request({ kind: 'getOutcome', txId: 'tx_ccccccccccccccccccccc' });
    expect(replyIn(ask.effects)).toMatchObject({ kind: 'refused', code: 'RESOURCE_EXHAUSTED' });
  });
});
