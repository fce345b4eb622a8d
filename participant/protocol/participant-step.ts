import { assertNever } from '../../lib/assert/assert.js';
import { backoffMs } from '../../lib/backoff/backoff.js';
import type { Branch, ParticipantState } from './branch-state.js';
import type { ParticipantEffect } from './participant-effect.js';
import type { ParticipantInput } from './participant-input.js';

export interface ParticipantStepResult {
  readonly state: ParticipantState;
  readonly effects: readonly ParticipantEffect[];
}

/**
 * The branch lifecycle shared by every resource manager:
 * working → preparing → prepared → committed | aborted, with in-doubt resolution.
 * Pure: no I/O, no clock, no randomness. Takes ownership of `state`.
 */
export function participantStep(state: ParticipantState, input: ParticipantInput): ParticipantStepResult {
  const s: ParticipantState = input.kind === 'tick' ? { ...state, nowMs: Math.max(state.nowMs, input.nowMs) } : state;
  const out: ParticipantEffect[] = [];
  switch (input.kind) {
    case 'tick':
      onTick(s, out);
      break;
    case 'recovered':
      for (const { txId, preparedAtMs } of input.prepared) {
        // in doubt from the first instant: nobody will tell a restarted participant unless it asks
        s.branches.set(txId, { kind: 'prepared', txId, preparedAtMs, askAtMs: s.nowMs, attempt: 0, asking: false });
      }
      break;
    case 'workRequested':
      onWorkRequested(s, out, input.txId);
      break;
    case 'enlistResult':
      onEnlistResult(s, out, input);
      break;
    case 'workDone': {
      const b = s.branches.get(input.txId);
      if (b?.kind === 'working') s.branches.set(b.txId, { ...b, opsInFlight: Math.max(0, b.opsInFlight - 1), ...activity(s) });
      break;
    }
    case 'prepareRequested':
      onPrepareRequested(s, out, input.txId);
      break;
    case 'prepareDone':
      onPrepareDone(s, out, input);
      break;
    case 'commitRequested':
      onCommitRequested(s, out, input.txId);
      break;
    case 'commitDone':
      if (input.result === 'refused' && s.branches.get(input.txId)?.kind === 'committing') s.branches.delete(input.txId);
      else onDecisionDone(s, input.txId, 'committing', input.result === 'committed');
      break;
    case 'abortRequested':
      onAbortRequested(s, out, input.txId);
      break;
    case 'abortDone':
      onDecisionDone(s, input.txId, 'aborting', input.ok);
      break;
    case 'outcomeLearned':
      onOutcomeLearned(s, out, input.txId, input.outcome);
      break;
    case 'commitOnePhaseRequested':
      onCommitOnePhaseRequested(s, out, input.txId);
      break;
    case 'commitOnePhaseDone':
      if (s.branches.get(input.txId)?.kind === 'committingOnePhase') s.branches.delete(input.txId);
      break;
    case 'resolveRequested':
      out.push({ kind: 'runResolve', txId: input.txId });
      break;
    case 'resolveDone': {
      // aborted: the resource manager rolled back any open branch, and it can never commit now
      const b = s.branches.get(input.txId);
      if (b?.kind === 'working' || b?.kind === 'committingOnePhase') s.branches.delete(input.txId);
      break;
    }
    default:
      assertNever(input);
  }
  return { state: s, effects: out };
}

function onWorkRequested(s: ParticipantState, out: ParticipantEffect[], txId: string): void {
  const b = s.branches.get(txId);
  if (b === undefined) {
    if (s.branches.size >= s.config.branchesMax) {
      out.push({ kind: 'refuseWork', txId, code: 'exhausted', reason: `this participant holds its maximum of ${s.config.branchesMax} branches` });
      return;
    }
    // enlist before any work: the coordinator then always knows every branch, and a refusal leaves nothing to undo
    s.branches.set(txId, { kind: 'enlisting', txId });
    out.push({ kind: 'enlist', txId });
    return;
  }
  if (b.kind === 'working') {
    s.branches.set(txId, { ...b, opsInFlight: b.opsInFlight + 1, ...activity(s) });
    out.push({ kind: 'proceed', txId });
    return;
  }
  out.push({ kind: 'refuseWork', txId, code: 'notActive', reason: `its branch here is ${b.kind}` });
}

function onEnlistResult(s: ParticipantState, out: ParticipantEffect[], input: Extract<ParticipantInput, { kind: 'enlistResult' }>): void {
  const b = s.branches.get(input.txId);
  if (b?.kind !== 'enlisting') return;
  if (input.result === 'enlisted') {
    s.branches.set(input.txId, { kind: 'working', txId: input.txId, opsInFlight: 1, txDeadlineMs: input.txDeadlineMs, asking: false, ...activity(s) });
    out.push({ kind: 'proceed', txId: input.txId });
    return;
  }
  s.branches.delete(input.txId);
  const code = input.result === 'refused' ? 'notActive' : input.result === 'exhausted' ? 'exhausted' : 'unavailable';
  out.push({ kind: 'refuseWork', txId: input.txId, code, reason: input.reason });
}

function onPrepareRequested(s: ParticipantState, out: ParticipantEffect[], txId: string): void {
  const b = s.branches.get(txId);
  if (b === undefined) {
    out.push({ kind: 'vote', txId, vote: 'no', reason: 'no branch here: never worked on, or aborted (idle limit or restart)' });
    return;
  }
  switch (b.kind) {
    case 'working':
      if (b.opsInFlight > 0) {
        out.push({ kind: 'vote', txId, vote: 'no', reason: 'an operation of the transaction is still running' });
        return;
      }
      s.branches.set(txId, { kind: 'preparing', txId });
      out.push({ kind: 'runPrepare', txId });
      return;
    case 'prepared':
    case 'committing':
      out.push({ kind: 'vote', txId, vote: 'yes', reason: '' });
      return;
    case 'enlisting':
    case 'preparing':
    case 'aborting':
    case 'committingOnePhase':
      out.push({ kind: 'vote', txId, vote: 'no', reason: `branch is ${b.kind}` });
      return;
    default:
      assertNever(b);
  }
}

function onPrepareDone(s: ParticipantState, out: ParticipantEffect[], input: Extract<ParticipantInput, { kind: 'prepareDone' }>): void {
  const { txId, vote, reason, cause } = input;
  const b = s.branches.get(txId);
  if (b?.kind !== 'preparing') return;
  if (vote === 'yes') {
    s.branches.set(txId, { kind: 'prepared', txId, preparedAtMs: s.nowMs, askAtMs: s.nowMs + s.config.inDoubtAskAfterMs, attempt: 0, asking: false });
    out.push({ kind: 'vote', txId, vote, reason });
    return;
  }
  s.branches.delete(txId);
  // the resource manager's cause, so that a client can tell a conflict (retry now) from an outage
  out.push({ kind: 'vote', txId, vote, reason, ...(cause === undefined ? {} : { cause }) });
}

function onCommitRequested(s: ParticipantState, out: ParticipantEffect[], txId: string): void {
  const b = s.branches.get(txId);
  if (b === undefined) {
    if (s.committed.has(txId)) {
      // the resource manager said so itself, since this start: its answer stands
      out.push({ kind: 'committedHere', txId });
      return;
    }
    // forgotten (committed before a restart, or lost): the resource manager must verify, never assume
    s.branches.set(txId, { kind: 'committing', txId, preparedAtMs: s.nowMs, verifyOnly: true });
    out.push({ kind: 'runCommit', txId });
    return;
  }
  switch (b.kind) {
    case 'prepared':
      s.branches.set(txId, { kind: 'committing', txId, preparedAtMs: b.preparedAtMs, verifyOnly: false });
      out.push({ kind: 'runCommit', txId });
      return;
    case 'committing':
      out.push({ kind: 'runCommit', txId });
      return;
    case 'enlisting':
    case 'working':
    case 'preparing':
    case 'aborting':
    case 'committingOnePhase':
      out.push({ kind: 'refuseCommit', txId, reason: `the branch never prepared (it is ${b.kind}); committing it would break atomicity` });
      return;
    default:
      assertNever(b);
  }
}

function onAbortRequested(s: ParticipantState, out: ParticipantEffect[], txId: string): void {
  const b = s.branches.get(txId);
  if (b?.kind === 'committing' || b?.kind === 'committingOnePhase') {
    out.push({ kind: 'refuseAbort', txId, reason: 'the branch is committing: the decision was commit' });
    return;
  }
  const preparedAtMs = b?.kind === 'prepared' ? b.preparedAtMs : b?.kind === 'aborting' ? b.preparedAtMs : undefined;
  s.branches.set(txId, { kind: 'aborting', txId, preparedAtMs });
  out.push({ kind: 'runAbort', txId });
}

/**
 * A decision applied (or not). Failure keeps the branch: a prepared branch goes back to
 * in doubt and asks again; an unprepared abort is retried by the idle rule.
 */
function onDecisionDone(s: ParticipantState, txId: string, expected: 'committing' | 'aborting', ok: boolean): void {
  const b = s.branches.get(txId);
  if (b?.kind !== expected) return;
  // a failed verification of a forgotten branch leaves nothing here: there is no prepared state to keep
  if (ok || (b.kind === 'committing' && b.verifyOnly)) {
    s.branches.delete(txId);
    if (ok && b.kind === 'committing') rememberCommitted(s, txId);
    return;
  }
  if (b.preparedAtMs === undefined) {
    s.branches.set(txId, { kind: 'working', txId, opsInFlight: 0, txDeadlineMs: s.nowMs, asking: false, ...activity(s), lastActivityMs: s.nowMs - s.config.branchIdleMsMax });
    return;
  }
  s.branches.set(txId, { kind: 'prepared', txId, preparedAtMs: b.preparedAtMs, askAtMs: s.nowMs + s.config.outcomeRetryMsMax, attempt: 1, asking: false });
}

/** Remembers that the resource manager committed `txId`, forgetting the oldest past the bound. */
function rememberCommitted(s: ParticipantState, txId: string): void {
  s.committed.delete(txId);
  s.committed.add(txId);
  for (const oldest of s.committed) {
    if (s.committed.size <= s.config.committedRememberedMax) break;
    s.committed.delete(oldest);
  }
}

/**
 * Only an idle, open branch commits one-phase. Anything else (no branch: a duplicate of a
 * commit that already ended, or a branch lost in a restart) is answered by the
 * compare-and-set, which tells the truth and makes sure a late commit cannot happen.
 */
function onCommitOnePhaseRequested(s: ParticipantState, out: ParticipantEffect[], txId: string): void {
  const b = s.branches.get(txId);
  if (b?.kind === 'working' && b.opsInFlight === 0) {
    s.branches.set(txId, { kind: 'committingOnePhase', txId });
    out.push({ kind: 'runCommitOnePhase', txId });
    return;
  }
  out.push({ kind: 'runResolve', txId });
}

/** Activity resets the idle clock and the question schedule of a working branch. */
function activity(s: ParticipantState): { lastActivityMs: number; askAtMs: number; attempt: number } {
  return { lastActivityMs: s.nowMs, askAtMs: s.nowMs + s.config.inDoubtAskAfterMs, attempt: 0 };
}

function onOutcomeLearned(s: ParticipantState, out: ParticipantEffect[], txId: string, outcome: Extract<ParticipantInput, { kind: 'outcomeLearned' }>['outcome']): void {
  const b = s.branches.get(txId);
  if (b?.kind === 'working' && b.asking) {
    onIdleOutcome(s, out, b, outcome);
    return;
  }
  if (b?.kind !== 'prepared' || !b.asking) return;
  switch (outcome) {
    case 'committed':
      out.push({ kind: 'resolve', txId, decision: 'commit', reason: 'learned from the coordinator' });
      s.branches.set(txId, { ...b, asking: false, askAtMs: s.nowMs + s.config.outcomeRetryMsMax });
      return;
    case 'aborted':
      out.push({ kind: 'resolve', txId, decision: 'abort', reason: 'learned from the coordinator' });
      s.branches.set(txId, { ...b, asking: false, askAtMs: s.nowMs + s.config.outcomeRetryMsMax });
      return;
    case 'active':
    case 'preparing':
    case 'unknown': {
      // 2PC blocks here by design: keep asking, with capped backoff, forever
      const attempt = b.attempt + 1;
      const delay = backoffMs(attempt, s.config.outcomeRetryMsBase, s.config.outcomeRetryMsMax, txId);
      s.branches.set(txId, { ...b, asking: false, attempt, askAtMs: s.nowMs + delay });
      return;
    }
    default:
      assertNever(outcome);
  }
}

/** An idle unprepared branch asked the coordinator: only a known abort ends it early. */
function onIdleOutcome(
  s: ParticipantState,
  out: ParticipantEffect[],
  b: Extract<Branch, { kind: 'working' }>,
  outcome: Extract<ParticipantInput, { kind: 'outcomeLearned' }>['outcome'],
): void {
  if (outcome === 'aborted') {
    out.push({ kind: 'resolve', txId: b.txId, decision: 'abort', reason: 'the coordinator reports the transaction aborted' });
    s.branches.set(b.txId, { ...b, asking: false, askAtMs: s.nowMs + s.config.outcomeRetryMsMax });
    return;
  }
  // active, preparing (a Prepare is on its way), unreachable, or committed (impossible without our yes): ask again later
  const attempt = b.attempt + 1;
  s.branches.set(b.txId, { ...b, asking: false, attempt, askAtMs: s.nowMs + backoffMs(attempt, s.config.outcomeRetryMsBase * 10, s.config.outcomeRetryMsMax, b.txId) });
}

function onTick(s: ParticipantState, out: ParticipantEffect[]): void {
  for (const b of s.branches.values()) {
    if (b.kind === 'working' && b.opsInFlight === 0 && isAbandoned(s, b)) {
      out.push({ kind: 'resolve', txId: b.txId, decision: 'abort', reason: 'unprepared branch idle past its limit or its tx deadline' });
      // re-armed: if the abort fails, the branch comes back here after another idle period
      s.branches.set(b.txId, { ...b, lastActivityMs: s.nowMs });
    } else if (b.kind === 'working' && b.opsInFlight === 0 && !b.asking && s.nowMs >= b.askAtMs) {
      s.branches.set(b.txId, { ...b, asking: true });
      out.push({ kind: 'askOutcome', txId: b.txId, attempt: b.attempt });
    } else if (b.kind === 'prepared' && !b.asking && s.nowMs >= b.askAtMs) {
      s.branches.set(b.txId, { ...b, asking: true });
      out.push({ kind: 'askOutcome', txId: b.txId, attempt: b.attempt });
    }
  }
}

function isAbandoned(s: ParticipantState, b: Extract<Branch, { kind: 'working' }>): boolean {
  // the coordinator aborts a tx at its deadline; a little slack lets a Prepare sent just before it arrive
  return s.nowMs - b.lastActivityMs >= s.config.branchIdleMsMax || s.nowMs >= b.txDeadlineMs + s.config.inDoubtAskAfterMs;
}

/** In-doubt branches, oldest first, for ListInDoubt. */
export function inDoubtBranches(s: ParticipantState): { txId: string; preparedAtMs: number }[] {
  const list: { txId: string; preparedAtMs: number }[] = [];
  for (const b of s.branches.values()) if (isInDoubt(b)) list.push({ txId: b.txId, preparedAtMs: b.preparedAtMs });
  return list.sort((a, b) => a.preparedAtMs - b.preparedAtMs);
}

/**
 * How many branches are in doubt and the oldest of them, in one pass without a list: the
 * metrics and Admin.GetStats ask this often, of up to branchesMax branches after a restart.
 */
export function inDoubtSummary(s: ParticipantState): { count: number; oldest: { txId: string; preparedAtMs: number } | undefined } {
  let count = 0;
  let oldest: { txId: string; preparedAtMs: number } | undefined;
  for (const b of s.branches.values()) {
    if (!isInDoubt(b)) continue;
    count++;
    if (oldest === undefined || b.preparedAtMs < oldest.preparedAtMs) oldest = { txId: b.txId, preparedAtMs: b.preparedAtMs };
  }
  return { count, oldest };
}

function isInDoubt(b: Branch): b is Extract<Branch, { kind: 'prepared' | 'committing' }> {
  return b.kind === 'prepared' || (b.kind === 'committing' && !b.verifyOnly);
}
