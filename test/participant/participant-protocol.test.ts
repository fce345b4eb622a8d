import { describe, expect, it } from 'vitest';
import { initialParticipantState, type ParticipantState } from '../../participant/protocol/branch-state.js';
import type { ParticipantEffect } from '../../participant/protocol/participant-effect.js';
import type { ParticipantInput } from '../../participant/protocol/participant-input.js';
import { inDoubtBranches, participantStep } from '../../participant/protocol/participant-step.js';

const TX = 'tx_aaaaaaaaaaaaaaaaaaaaa';
const config = { branchIdleMsMax: 10_000, inDoubtAskAfterMs: 2_000, outcomeRetryMsBase: 100, outcomeRetryMsMax: 1_000, branchesMax: 2, committedRememberedMax: 2 };

class Driver {
  state: ParticipantState = initialParticipantState(config, 0);
  feed(input: ParticipantInput): readonly ParticipantEffect[] {
    const r = participantStep(this.state, input);
    this.state = r.state;
    return r.effects;
  }
  tick(nowMs: number): readonly ParticipantEffect[] {
    return this.feed({ kind: 'tick', nowMs });
  }
  /** Enlists and runs one operation to completion. */
  work(txId = TX): void {
    expect(this.feed({ kind: 'workRequested', txId })).toEqual([{ kind: 'enlist', txId }]);
    expect(this.feed({ kind: 'enlistResult', txId, result: 'enlisted', txDeadlineMs: 60_000, reason: '' })).toEqual([{ kind: 'proceed', txId }]);
    this.feed({ kind: 'workDone', txId });
  }
  prepared(txId = TX): void {
    this.work(txId);
    expect(this.feed({ kind: 'prepareRequested', txId })).toEqual([{ kind: 'runPrepare', txId }]);
    expect(this.feed({ kind: 'prepareDone', txId, vote: 'yes', reason: '' })).toEqual([{ kind: 'vote', txId, vote: 'yes', reason: '' }]);
  }
}

describe('participant branch state machine', () => {
  it('the first operation of a tx enlists before any work, later ones proceed at once', () => {
    const d = new Driver();
    d.work();
    expect(d.feed({ kind: 'workRequested', txId: TX })).toEqual([{ kind: 'proceed', txId: TX }]);
  });

  it('a refused enlist fails the operation and leaves no branch', () => {
    const d = new Driver();
    d.feed({ kind: 'workRequested', txId: TX });
    const effects = d.feed({ kind: 'enlistResult', txId: TX, result: 'refused', txDeadlineMs: 0, reason: 'tx is preparing' });
    expect(effects).toEqual([{ kind: 'refuseWork', txId: TX, code: 'notActive', reason: 'tx is preparing' }]);
    expect(d.state.branches.size).toBe(0);
    expect(d.feed({ kind: 'prepareRequested', txId: TX })).toMatchObject([{ kind: 'vote', vote: 'no' }]);
  });

  it('the branch limit refuses new branches with exhausted', () => {
    const d = new Driver();
    d.work('tx_1111111111111111111111');
    d.work('tx_2222222222222222222222');
    expect(d.feed({ kind: 'workRequested', txId: TX })).toMatchObject([{ kind: 'refuseWork', code: 'exhausted' }]);
  });

  it('a yes vote comes only after the resource manager made the branch durable', () => {
    const d = new Driver();
    d.work();
    const asked = d.feed({ kind: 'prepareRequested', txId: TX });
    expect(asked).toEqual([{ kind: 'runPrepare', txId: TX }]);
    expect(asked.some((e) => e.kind === 'vote')).toBe(false);
    expect(d.feed({ kind: 'prepareDone', txId: TX, vote: 'yes', reason: '' })).toEqual([{ kind: 'vote', txId: TX, vote: 'yes', reason: '' }]);
    // a repeated Prepare re-votes yes without preparing again
    expect(d.feed({ kind: 'prepareRequested', txId: TX })).toEqual([{ kind: 'vote', txId: TX, vote: 'yes', reason: '' }]);
  });

  it('work after prepare is refused', () => {
    const d = new Driver();
    d.prepared();
    expect(d.feed({ kind: 'workRequested', txId: TX })).toMatchObject([{ kind: 'refuseWork', code: 'notActive' }]);
  });

  it("a no vote carries the resource manager's cause, and one that gives none says none", () => {
    const d = new Driver();
    d.work();
    d.feed({ kind: 'prepareRequested', txId: TX });
    expect(d.feed({ kind: 'prepareDone', txId: TX, vote: 'no', reason: 'serialization failure', cause: 'conflict' })).toStrictEqual([
      { kind: 'vote', txId: TX, vote: 'no', reason: 'serialization failure', cause: 'conflict' },
    ]);
    expect(d.state.branches.has(TX)).toBe(false);
    const other = 'tx_bbbbbbbbbbbbbbbbbbbbb';
    d.work(other);
    d.feed({ kind: 'prepareRequested', txId: other });
    expect(d.feed({ kind: 'prepareDone', txId: other, vote: 'no', reason: 'checksum mismatch' })).toStrictEqual([{ kind: 'vote', txId: other, vote: 'no', reason: 'checksum mismatch' }]);
  });

  it('prepare of an unknown branch votes no', () => {
    const d = new Driver();
    expect(d.feed({ kind: 'prepareRequested', txId: TX })).toMatchObject([{ kind: 'vote', vote: 'no' }]);
  });

  it('a commit for a branch that never prepared is refused', () => {
    const d = new Driver();
    d.work();
    expect(d.feed({ kind: 'commitRequested', txId: TX })).toMatchObject([{ kind: 'refuseCommit', txId: TX }]);
  });

  it('a commit for a forgotten branch goes to the resource manager to verify', () => {
    const d = new Driver();
    expect(d.feed({ kind: 'commitRequested', txId: TX })).toEqual([{ kind: 'runCommit', txId: TX }]);
    d.feed({ kind: 'commitDone', txId: TX, result: 'refused' });
    expect(d.state.branches.size).toBe(0);
  });

  it('a commit repeated for a branch committed here since the start is answered without the resource manager; one forgotten past the bound, or never committed here, is verified there', () => {
    const d = new Driver();
    const [a, b, c] = ['tx_1111111111111111111111', 'tx_2222222222222222222222', 'tx_3333333333333333333333'];
    for (const txId of [a, b, c]) {
      d.prepared(txId);
      expect(d.feed({ kind: 'commitRequested', txId })).toEqual([{ kind: 'runCommit', txId }]);
      d.feed({ kind: 'commitDone', txId, result: 'committed' });
    }
    expect(d.feed({ kind: 'commitRequested', txId: c })).toEqual([{ kind: 'committedHere', txId: c }]);
    expect(d.feed({ kind: 'commitRequested', txId: b })).toEqual([{ kind: 'committedHere', txId: b }]);
    // committedRememberedMax is 2: the oldest is verified again
    expect(d.feed({ kind: 'commitRequested', txId: a })).toEqual([{ kind: 'runCommit', txId: a }]);
    // a failed commit proves nothing
    d.feed({ kind: 'commitDone', txId: a, result: 'refused' });
    expect(d.feed({ kind: 'commitRequested', txId: a })).toEqual([{ kind: 'runCommit', txId: a }]);
    expect(d.state.committed.size).toBe(2);
  });

  it('an abort of a committing branch is refused: the decision was commit', () => {
    const d = new Driver();
    d.prepared();
    d.feed({ kind: 'commitRequested', txId: TX });
    expect(d.feed({ kind: 'abortRequested', txId: TX })).toMatchObject([{ kind: 'refuseAbort' }]);
  });

  it('an unprepared branch idle past its limit is aborted', () => {
    const d = new Driver();
    d.work();
    // the coordinator is unreachable: the idle limit alone ends the branch
    expect(d.tick(2_000)).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 0 }]);
    d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'unknown' });
    expect(d.tick(9_999).filter((e) => e.kind === 'resolve')).toEqual([]);
    expect(d.tick(10_000)).toMatchObject([{ kind: 'resolve', txId: TX, decision: 'abort' }]);
  });

  it('an idle unprepared branch asks the coordinator and aborts at once when the tx is aborted', () => {
    const d = new Driver();
    d.work();
    expect(d.tick(1_999)).toEqual([]);
    expect(d.tick(2_000)).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 0 }]);
    expect(d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'active' })).toEqual([]);
    let now = 2_000;
    let asked: readonly ParticipantEffect[] = [];
    while (asked.length === 0) asked = d.tick((now += 50));
    expect(asked).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 1 }]);
    expect(d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'aborted' })).toMatchObject([{ kind: 'resolve', decision: 'abort' }]);
  });

  it('work resets the idle clock of a branch', () => {
    const d = new Driver();
    d.work();
    d.tick(1_500);
    d.feed({ kind: 'workRequested', txId: TX });
    d.feed({ kind: 'workDone', txId: TX });
    expect(d.tick(3_000)).toEqual([]);
    expect(d.tick(3_500)).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 0 }]);
  });

  it('a prepared branch without a decision asks the coordinator, and keeps asking with capped backoff', () => {
    const d = new Driver();
    d.prepared();
    expect(d.tick(1_999)).toEqual([]);
    expect(d.tick(2_000)).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 0 }]);
    // while a question is out, no second one
    expect(d.tick(2_500)).toEqual([]);
    let now = 2_500;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      d.feed({ kind: 'outcomeLearned', txId: TX, outcome: i % 2 === 0 ? 'unknown' : 'preparing' });
      const askedAt = now;
      do now += 10;
      while (d.tick(now).length === 0);
      delays.push(now - askedAt);
    }
    expect(delays[0]).toBeLessThan(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_260);
    expect(delays[5]).toBeGreaterThan(700);
    expect(inDoubtBranches(d.state)).toEqual([{ txId: TX, preparedAtMs: 0 }]);
    d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'committed' });
  });

  it('a learned commit resolves the branch by committing it', () => {
    const d = new Driver();
    d.prepared();
    d.tick(2_000);
    expect(d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'committed' })).toMatchObject([{ kind: 'resolve', decision: 'commit' }]);
    expect(d.feed({ kind: 'commitRequested', txId: TX })).toEqual([{ kind: 'runCommit', txId: TX }]);
    d.feed({ kind: 'commitDone', txId: TX, result: 'committed' });
    expect(d.state.branches.size).toBe(0);
  });

  it('after a restart every recovered prepared branch asks at once', () => {
    const d = new Driver();
    d.tick(50_000);
    d.feed({ kind: 'recovered', prepared: [{ txId: TX, preparedAtMs: 1_000 }] });
    expect(d.tick(50_001)).toEqual([{ kind: 'askOutcome', txId: TX, attempt: 0 }]);
    expect(d.feed({ kind: 'outcomeLearned', txId: TX, outcome: 'aborted' })).toMatchObject([{ kind: 'resolve', decision: 'abort' }]);
  });

  it('a failed commit keeps the branch in doubt until it is applied', () => {
    const d = new Driver();
    d.prepared();
    d.feed({ kind: 'commitRequested', txId: TX });
    d.feed({ kind: 'commitDone', txId: TX, result: 'failed' });
    expect(inDoubtBranches(d.state).map((b) => b.txId)).toEqual([TX]);
  });
});

describe('participant branch state machine at the last resource', () => {
  it('an idle open branch commits one-phase, and the branch ends whatever the answer', () => {
    for (const outcome of ['committed', 'aborted', 'unknown'] as const) {
      const d = new Driver();
      d.work();
      expect(d.feed({ kind: 'commitOnePhaseRequested', txId: TX })).toEqual([{ kind: 'runCommitOnePhase', txId: TX }]);
      // no abort can overtake it: the commit point may be happening
      expect(d.feed({ kind: 'abortRequested', txId: TX })).toEqual([{ kind: 'refuseAbort', txId: TX, reason: 'the branch is committing: the decision was commit' }]);
      d.feed({ kind: 'commitOnePhaseDone', txId: TX, outcome });
      expect(d.state.branches.size).toBe(0);
    }
  });

  it('a one-phase commit without an open branch (a duplicate, a branch lost in a restart) is answered by the compare-and-set, never by a guess', () => {
    const d = new Driver();
    expect(d.feed({ kind: 'commitOnePhaseRequested', txId: TX })).toEqual([{ kind: 'runResolve', txId: TX }]);
    d.prepared();
    expect(d.feed({ kind: 'commitOnePhaseRequested', txId: TX })).toEqual([{ kind: 'runResolve', txId: TX }]);
  });

  it('a resolve that settles aborted ends the open branch: it can never commit now', () => {
    const d = new Driver();
    d.work();
    expect(d.feed({ kind: 'resolveRequested', txId: TX })).toEqual([{ kind: 'runResolve', txId: TX }]);
    d.feed({ kind: 'resolveDone', txId: TX, outcome: 'aborted' });
    expect(d.state.branches.size).toBe(0);
  });
});
