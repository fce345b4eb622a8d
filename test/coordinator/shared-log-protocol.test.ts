import { describe, expect, it } from 'vitest';
import { ProtocolDriver, replyIn, sendsIn } from './protocol-driver.js';

const TX = 'tx_aaaaaaaaaaaaaaaaaaaaa';
const sharedLog = { sharedLog: true };

/** Begin, enlist blob and metadata, ask Commit, both vote yes: the commit record is being written. Returns the commit request id. */
function deciding(d: ProtocolDriver): number {
  d.begin(TX);
  d.enlist(TX, 'blob');
  d.enlist(TX, 'metadata');
  const { requestId } = d.request({ kind: 'commit', txId: TX });
  d.feed({ kind: 'vote', txId: TX, from: 'blob', vote: 'yes', reason: '' });
  const decided = d.feed({ kind: 'vote', txId: TX, from: 'metadata', vote: 'yes', reason: '' });
  expect(decided.map((e) => e.kind)).toEqual(['appendCommit']);
  return requestId;
}

describe('coordinator core with a shared decision log', () => {
  it('a commit record that lost to an abort in the log aborts the tx: the caller hears aborted, every participant is told to abort, none to commit', () => {
    const d = new ProtocolDriver(sharedLog);
    const commitId = deciding(d);
    const lost = d.feed({ kind: 'decisionLost', txId: TX });
    expect(replyIn(lost, commitId)).toMatchObject({ kind: 'outcome', outcome: 'aborted', presumed: false, cause: 'outage' });
    expect(sendsIn(lost, 'sendDecision').sort((a, b) => a.to.localeCompare(b.to))).toEqual([
      { to: 'blob', decision: 'abort' },
      { to: 'metadata', decision: 'abort' },
    ]);
    expect(sendsIn(d.allEffects(), 'sendDecision').some((s) => s.decision === 'commit')).toBe(false);
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted' });
  });

  it('a tx it does not know is not presumed aborted at once: it is settled in the log, and the answer waits for that', () => {
    const d = new ProtocolDriver(sharedLog);
    const { requestId, effects } = d.request({ kind: 'getOutcome', txId: TX });
    expect(effects).toEqual([{ kind: 'resolveInLog', txId: TX }]);
    // a second question while it is settled waits for the same answer, with no second compare-and-set
    const again = d.request({ kind: 'getOutcome', txId: TX });
    expect(again.effects).toEqual([]);
    const settled = d.feed({ kind: 'resolved', txId: TX, outcome: 'committed' });
    expect(replyIn(settled, requestId)).toMatchObject({ outcome: 'committed', presumed: false });
    expect(replyIn(settled, again.requestId)).toMatchObject({ outcome: 'committed', presumed: false });
    // remembered: asked again, answered at once
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'committed' });
  });

  it('settled as aborted, it answers aborted, presumed (a commit swept after its retention reads the same), and remembers it', () => {
    const d = new ProtocolDriver(sharedLog);
    const { requestId } = d.request({ kind: 'getOutcome', txId: TX });
    const settled = d.feed({ kind: 'resolved', txId: TX, outcome: 'aborted' });
    expect(replyIn(settled, requestId)).toMatchObject({ outcome: 'aborted', presumed: true, reason: 'unknown transaction: aborted in the shared decision log' });
    expect(replyIn(d.request({ kind: 'getOutcome', txId: TX }).effects)).toMatchObject({ outcome: 'aborted' });
  });

  it('a settle that could not be done is retried after a backoff, never guessed', () => {
    const d = new ProtocolDriver({ ...sharedLog, retryBackoffMsBase: 100, retryBackoffMsMax: 100 });
    const { requestId } = d.request({ kind: 'getOutcome', txId: TX });
    expect(d.feed({ kind: 'resolved', txId: TX, outcome: 'unknown' })).toEqual([]);
    expect(d.repliesTo(requestId)).toEqual([]);
    expect(d.tick(1_000 + 200)).toContainEqual({ kind: 'resolveInLog', txId: TX });
  });

  it('with the file log, a tx it does not know is presumed aborted at once, as before', () => {
    const d = new ProtocolDriver();
    const { effects } = d.request({ kind: 'getOutcome', txId: TX });
    expect(effects.map((e) => e.kind)).toEqual(['reply']);
    expect(replyIn(effects)).toMatchObject({ outcome: 'aborted', presumed: true });
  });
});
