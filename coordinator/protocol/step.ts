import { assert, assertNever } from '../../lib/assert/assert.js';
import { backoffMs } from '../../lib/backoff/backoff.js';
import type { LogRecord } from './log-record.js';
import type { CoordinatorEffect, Outcome, RefusalCode, Reply } from './coordinator-effect.js';
import type { CoordinatorInput } from './coordinator-input.js';
import type { AbortCause, NoVoteCause } from '../../lib/abort-cause/abort-cause.js';
import type { CoordinatorState, FinishedTx, LiveTx, PeerState } from './coordinator-state.js';

export interface StepResult {
  readonly state: CoordinatorState;
  readonly effects: readonly CoordinatorEffect[];
}

/**
 * The presumed-abort coordinator as a function: no I/O, no clock, no randomness.
 * Takes ownership of `state` (see CoordinatorState) and returns what to do next.
 */
export function step(state: CoordinatorState, input: CoordinatorInput): StepResult {
  const effects: CoordinatorEffect[] = [];
  const s: CoordinatorState = input.kind === 'tick' ? { ...state, nowMs: Math.max(state.nowMs, input.nowMs) } : state;
  const ctx: Ctx = { s, effects };
  switch (input.kind) {
    case 'tick':
      onTick(ctx);
      break;
    case 'recover':
      onRecover(ctx, input.records);
      break;
    case 'begin':
      onBegin(ctx, input.requestId, input.txId, input.timeoutMs);
      break;
    case 'enlist':
      onEnlist(ctx, input.requestId, input.txId, input.participantId, input.incarnation);
      break;
    case 'commit':
      onCommit(ctx, input.requestId, input.txId);
      break;
    case 'abort':
      onAbort(ctx, input.requestId, input.txId, input.reason);
      break;
    case 'getOutcome':
      answerOutcome(ctx, input.requestId, input.txId);
      break;
    case 'vote':
      onVote(ctx, input.txId, input.from, input.vote, input.reason, input.cause ?? 'outage');
      break;
    case 'decisionSynced':
      onDecisionSynced(ctx, input.txId);
      break;
    case 'decisionRefused':
      onDecisionRefused(ctx, input.txId, input.reason);
      break;
    case 'decisionLost':
      onDecisionLost(ctx, input.txId);
      break;
    case 'lastResourceAnswered':
      onLastResourceAnswered(ctx, input.txId, input.outcome, input.reason, input.cause ?? 'outage');
      break;
    case 'resolved':
      onResolved(ctx, input.txId, input.outcome);
      break;
    case 'ack':
      onAck(ctx, input.txId, input.from, input.decision);
      break;
    case 'sendFailed':
      onSendFailed(ctx, input.txId, input.to, input.decision);
      break;
    default:
      assertNever(input);
  }
  return { state: s, effects };
}

interface Ctx {
  readonly s: CoordinatorState;
  readonly effects: CoordinatorEffect[];
}

function reply(ctx: Ctx, requestId: number, r: Reply): void {
  ctx.effects.push({ kind: 'reply', requestId, reply: r });
}

function refuse(ctx: Ctx, requestId: number, code: RefusalCode, message: string): void {
  reply(ctx, requestId, { kind: 'refused', code, message });
}

function outcomeReply(outcome: Exclude<Outcome, 'aborted'>, participants: readonly string[], pending: readonly string[] = []): Reply {
  return { kind: 'outcome', outcome, reason: '', presumed: false, pending, participants };
}

function abortedReply(participants: readonly string[], reason: string, cause: AbortCause): Reply {
  return { kind: 'outcome', outcome: 'aborted', reason, cause, presumed: false, pending: [], participants };
}

const presumedAbort: Extract<Reply, { kind: 'outcome' }> = {
  kind: 'outcome',
  outcome: 'aborted',
  reason: 'unknown transaction: presumed aborted',
  // forgotten, never begun, or lost with a restart: nothing the tx's own work did
  cause: 'outage',
  presumed: true,
  pending: [],
  participants: [],
};

/** What GetOutcome answers. `deciding` reads as preparing: the commit is not durable yet. */
function outcomeOf(s: CoordinatorState, txId: string): Reply {
  const tx = s.live.get(txId);
  if (tx !== undefined) {
    switch (tx.kind) {
      case 'active':
        return outcomeReply('active', tx.participants);
      case 'preparing':
      case 'deciding':
      case 'committingLast':
      case 'resolving':
        return outcomeReply('preparing', tx.participants);
      case 'committing':
        return outcomeReply('committed', tx.participants, pendingOf(tx.peers));
      case 'aborting':
        return abortedReply(tx.participants, tx.reason, tx.cause);
      default:
        return assertNever(tx);
    }
  }
  const done = s.finished.get(txId);
  if (done !== undefined) return done.outcome === 'aborted' ? abortedReply(done.participants, done.reason, done.cause ?? 'outage') : outcomeReply('committed', done.participants);
  return presumedAbort;
}

function pendingOf(peers: ReadonlyMap<string, PeerState>): string[] {
  const pending: string[] = [];
  for (const [id, peer] of peers) if (peer.kind !== 'acked') pending.push(id);
  return pending;
}

function onBegin(ctx: Ctx, requestId: number, txId: string, timeoutMs: number): void {
  const { s } = ctx;
  if (s.live.has(txId) || s.finished.has(txId)) {
    refuse(ctx, requestId, 'ALREADY_EXISTS', `transaction ${txId} already exists`);
    return;
  }
  if (s.live.size >= s.config.txInFlightMax) {
    refuse(ctx, requestId, 'RESOURCE_EXHAUSTED', `the coordinator holds its maximum of ${s.config.txInFlightMax} unfinished transactions`);
    return;
  }
  forgetExpired(s);
  // every live tx will need a place among the remembered outcomes when it finishes; one is
  // never made by forgetting an outcome early, as a forgotten commit would read as a
  // presumed abort to a client that asks within the retention window
  if (s.live.size + s.finished.size >= s.config.finishedTxMax) {
    refuse(
      ctx,
      requestId,
      'RESOURCE_EXHAUSTED',
      `the coordinator remembers its maximum of ${s.config.finishedTxMax} outcomes for ${s.config.finishedRetentionMs} ms each; retry once older ones expire`,
    );
    return;
  }
  const lifetimeMs = timeoutMs <= 0 ? s.config.txTimeoutMsDefault : Math.min(timeoutMs, s.config.txTimeoutMsMax);
  const deadlineMs = s.nowMs + lifetimeMs;
  keep(s, { kind: 'active', txId, deadlineMs, participants: [], incarnations: {} });
  s.decided.begun += 1;
  reply(ctx, requestId, { kind: 'begun', txId, deadlineMs });
}

function onEnlist(ctx: Ctx, requestId: number, txId: string, participantId: string, incarnation: string): void {
  const { s } = ctx;
  const known = s.config.knownParticipants;
  if (known.length > 0 && !known.includes(participantId)) {
    refuse(ctx, requestId, 'INVALID_ARGUMENT', `participant ${participantId} is not configured at the coordinator`);
    return;
  }
  const tx = s.live.get(txId);
  if (tx === undefined) {
    const done = s.finished.get(txId);
    if (done !== undefined) refuse(ctx, requestId, 'FAILED_PRECONDITION', `transaction ${txId} is ${done.outcome}, no longer active`);
    else refuse(ctx, requestId, 'NOT_FOUND', `transaction ${txId} is unknown (never begun, or aborted and forgotten)`);
    return;
  }
  if (tx.kind !== 'active') {
    refuse(ctx, requestId, 'FAILED_PRECONDITION', `transaction ${txId} is ${outcomeNameOf(tx)}, no longer active`);
    return;
  }
  if (s.nowMs >= tx.deadlineMs) {
    startAbort(ctx, tx, 'transaction deadline exceeded', 'deadline', []);
    refuse(ctx, requestId, 'FAILED_PRECONDITION', `transaction ${txId} passed its deadline and is aborted`);
    return;
  }
  if (tx.participants.includes(participantId)) {
    const earlier = tx.incarnations[participantId] ?? '';
    if (earlier !== '' && incarnation !== '' && earlier !== incarnation) {
      // the participant restarted since it enlisted: the tx's unprepared work there is gone,
      // and committing the rest would commit a branch without it
      startAbort(ctx, tx, `participant ${participantId} restarted during the transaction and lost its work`, 'outage', []);
      refuse(ctx, requestId, 'FAILED_PRECONDITION', `transaction ${txId} is aborted: participant ${participantId} restarted during it`);
      return;
    }
  } else {
    if (tx.participants.length >= s.config.participantsPerTxMax) {
      refuse(ctx, requestId, 'RESOURCE_EXHAUSTED', `transaction ${txId} already has the maximum of ${s.config.participantsPerTxMax} participants`);
      return;
    }
    keep(s, { ...tx, participants: [...tx.participants, participantId], incarnations: { ...tx.incarnations, [participantId]: incarnation } });
  }
  reply(ctx, requestId, { kind: 'enlisted', deadlineMs: tx.deadlineMs });
}

function outcomeNameOf(tx: LiveTx): string {
  return tx.kind === 'committing' ? 'committed' : tx.kind === 'aborting' ? 'aborted' : tx.kind;
}

function onCommit(ctx: Ctx, requestId: number, txId: string): void {
  const { s } = ctx;
  const tx = s.live.get(txId);
  if (tx === undefined) {
    answerOutcome(ctx, requestId, txId);
    return;
  }
  switch (tx.kind) {
    case 'active': {
      if (s.nowMs >= tx.deadlineMs) {
        startAbort(ctx, tx, 'transaction deadline exceeded', 'deadline', [requestId]);
        return;
      }
      if (tx.participants.length === 0) {
        // no branch anywhere: nothing to make durable, nothing to tell
        finish(ctx, txId, 'committed', '', []);
        reply(ctx, requestId, outcomeReply('committed', []));
        return;
      }
      const last = lastResourceOf(s, tx.participants);
      const voters = tx.participants.filter((p) => p !== last);
      if (voters.length === 0) {
        // the last resource alone: its one-phase commit is the whole protocol
        commitAtLastResource(ctx, txId, tx.participants, last, [requestId]);
        return;
      }
      keep(s, {
        kind: 'preparing',
        txId,
        prepareDeadlineMs: s.nowMs + s.config.prepareTimeoutMs,
        participants: tx.participants,
        voters,
        yesVotes: [],
        waiters: [requestId],
      });
      for (const to of voters) ctx.effects.push({ kind: 'sendPrepare', txId, to });
      return;
    }
    case 'preparing':
    case 'deciding':
    case 'committingLast':
    case 'resolving':
      addWaiter(ctx, tx, requestId);
      return;
    case 'committing':
      if (s.nowMs >= tx.replyAtMs) reply(ctx, requestId, outcomeReply('committed', tx.participants, pendingOf(tx.peers)));
      else addWaiter(ctx, tx, requestId);
      return;
    case 'aborting':
      reply(ctx, requestId, abortedReply(tx.participants, tx.reason, tx.cause));
      return;
    default:
      assertNever(tx);
  }
}

function addWaiter(ctx: Ctx, tx: LiveTx & { kind: 'preparing' | 'deciding' | 'committing' | 'committingLast' | 'resolving' }, requestId: number): void {
  if (tx.waiters.length >= ctx.s.config.waitersPerTxMax) {
    refuse(ctx, requestId, 'RESOURCE_EXHAUSTED', `transaction ${tx.txId} already has ${tx.waiters.length} waiting calls`);
    return;
  }
  keep(ctx.s, { ...tx, waiters: [...tx.waiters, requestId] });
}

function onAbort(ctx: Ctx, requestId: number, txId: string, reason: string): void {
  const { s } = ctx;
  const tx = s.live.get(txId);
  if (tx === undefined) {
    answerOutcome(ctx, requestId, txId);
    return;
  }
  switch (tx.kind) {
    case 'active':
    case 'preparing':
      startAbort(ctx, tx, reason === '' ? 'aborted by the client' : reason, 'client', [requestId]);
      return;
    case 'deciding':
    case 'committingLast':
    case 'resolving':
      // the commit point is already on its way (to our disk, or the last resource's): the first decision stands
      addWaiter(ctx, tx, requestId);
      return;
    case 'committing':
      reply(ctx, requestId, outcomeReply('committed', tx.participants, pendingOf(tx.peers)));
      return;
    case 'aborting':
      reply(ctx, requestId, abortedReply(tx.participants, tx.reason, tx.cause));
      return;
    default:
      assertNever(tx);
  }
}

/** Decision abort: tell every enlisted participant, answer every waiter. Nothing is logged. */
function startAbort(ctx: Ctx, tx: LiveTx, reason: string, cause: AbortCause, extraWaiters: readonly number[]): void {
  assert(
    tx.kind === 'active' || tx.kind === 'preparing' || tx.kind === 'deciding' || tx.kind === 'committingLast' || tx.kind === 'resolving',
    `abort decided for a ${tx.kind} transaction`,
  );
  ctx.s.decided.aborts += 1;
  ctx.s.decided.abortsByCause[cause] += 1;
  const waiters = tx.kind === 'active' ? extraWaiters : [...tx.waiters, ...extraWaiters];
  for (const w of waiters) reply(ctx, w, abortedReply(tx.participants, reason, cause));
  if (tx.participants.length === 0) {
    finish(ctx, tx.txId, 'aborted', reason, [], cause);
    return;
  }
  const peers = new Map<string, PeerState>();
  for (const to of tx.participants) {
    peers.set(to, { kind: 'sending', attempt: 0 });
    ctx.effects.push({ kind: 'sendDecision', txId: tx.txId, to, decision: 'abort' });
  }
  keep(ctx.s, {
    kind: 'aborting',
    txId: tx.txId,
    participants: tx.participants,
    peers,
    reason,
    cause,
    giveUpAtMs: ctx.s.nowMs + ctx.s.config.abortRetryForMs,
  });
}

function onVote(ctx: Ctx, txId: string, from: string, vote: 'yes' | 'no', reason: string, cause: NoVoteCause): void {
  const tx = ctx.s.live.get(txId);
  // a vote for any other state is late or duplicated: the decision no longer depends on it
  if (tx === undefined || tx.kind !== 'preparing' || !tx.voters.includes(from)) return;
  if (vote === 'no') {
    // the participant's cause, never the words of its reason, says whether this was a conflict
    startAbort(ctx, tx, `participant ${from} voted no: ${reason}`, cause, []);
    return;
  }
  if (tx.yesVotes.includes(from)) return;
  const yesVotes = [...tx.yesVotes, from];
  if (yesVotes.length < tx.voters.length) {
    keep(ctx.s, { ...tx, yesVotes });
    return;
  }
  const last = lastResourceOf(ctx.s, tx.participants);
  if (last !== '') {
    commitAtLastResource(ctx, txId, tx.participants, last, tx.waiters);
    return;
  }
  keep(ctx.s, { kind: 'deciding', txId, participants: tx.participants, waiters: tx.waiters });
  ctx.effects.push({
    kind: 'appendCommit',
    record: { kind: 'commit', txId, participants: tx.participants, decidedAtMs: ctx.s.nowMs },
  });
}

function onDecisionSynced(ctx: Ctx, txId: string): void {
  const tx = ctx.s.live.get(txId);
  assert(tx !== undefined && tx.kind === 'deciding', `decisionSynced for ${txId} in state ${tx?.kind ?? 'unknown'}`);
  ctx.s.decided.commits += 1;
  startCommit(ctx, txId, tx.participants, tx.waiters, ctx.s.nowMs);
}

/**
 * The commit record never reached the log, so there is no commit point and abort is still
 * free to decide: presumed abort stays true after any crash. The callers hear
 * RESOURCE_EXHAUSTED (the coordinator is overloaded; a new tx may succeed), and the
 * branches are rolled back as for any abort instead of staying prepared.
 */
function onDecisionRefused(ctx: Ctx, txId: string, reason: string): void {
  const tx = ctx.s.live.get(txId);
  assert(tx !== undefined && tx.kind === 'deciding', `decisionRefused for ${txId} in state ${tx?.kind ?? 'unknown'}`);
  for (const w of tx.waiters) {
    refuse(ctx, w, 'RESOURCE_EXHAUSTED', `transaction ${txId} is aborted, nothing committed: the decision log refused its commit record (${reason}); retry the transaction`);
  }
  startAbort(ctx, { ...tx, waiters: [] }, `the decision log refused the commit record: ${reason}`, 'outage', []);
}

/**
 * Shared log: the tx's key already held an abort when the commit record came (another
 * coordinator settled the tx as unknown to it, this one having seemed gone), so the abort
 * is the decision. The callers hear aborted, as for any abort.
 */
function onDecisionLost(ctx: Ctx, txId: string): void {
  const tx = ctx.s.live.get(txId);
  assert(tx !== undefined && tx.kind === 'deciding', `decisionLost for ${txId} in state ${tx?.kind ?? 'unknown'}`);
  startAbort(ctx, tx, 'another coordinator settled this transaction first: the shared decision log holds an abort for it', 'outage', []);
}

/** The decision is durable: deliver Commit to every participant. */
function startCommit(ctx: Ctx, txId: string, participants: readonly string[], waiters: readonly number[], decidedAtMs: number, committed = ''): void {
  const peers = new Map<string, PeerState>();
  for (const to of participants) {
    if (to === committed) {
      // the last resource committed one-phase: its COMMIT was the commit point
      peers.set(to, { kind: 'acked' });
      continue;
    }
    peers.set(to, { kind: 'sending', attempt: 0 });
    ctx.effects.push({ kind: 'sendDecision', txId, to, decision: 'commit' });
  }
  keep(ctx.s, {
    kind: 'committing',
    txId,
    participants,
    peers,
    waiters: waiters,
    replyAtMs: ctx.s.nowMs + ctx.s.config.phase2WaitMs,
    decidedAtMs,
  });
}

/** The last resource of a tx with these participants, or '' (full two-phase commit). */
function lastResourceOf(s: CoordinatorState, participants: readonly string[]): string {
  const last = s.config.lastResource;
  return last !== '' && participants.includes(last) ? last : '';
}

/**
 * Neither live nor remembered. In full two-phase mode that is a presumed abort. In
 * last-resource mode the last resource may have committed it (its COMMIT is the commit
 * point, and nothing here was forced to disk), so the answer is asked of it. With a shared
 * decision log another coordinator may have decided it, or this one before a restart
 * forgot it, so the answer is settled in the log.
 */
function isUnknown(s: CoordinatorState, txId: string): boolean {
  return (s.config.lastResource !== '' || s.config.sharedLog) && !s.live.has(txId) && !s.finished.has(txId);
}

/** The effect that settles an unknown tx: at the last resource, or (lastResource '') in the shared log. */
function resolveEffect(txId: string, lastResource: string): CoordinatorEffect {
  return lastResource === '' ? { kind: 'resolveInLog', txId } : { kind: 'resolveAtLastResource', txId, to: lastResource };
}

/** Answers `requestId` with the outcome of `txId`, at once or, when the last resource decides it, once it has. */
function answerOutcome(ctx: Ctx, requestId: number, txId: string): void {
  const tx = ctx.s.live.get(txId);
  if (isUnknown(ctx.s, txId)) answerUnknown(ctx, requestId, txId);
  // being settled at the last resource: the answer that is coming is the only true one
  else if (tx?.kind === 'resolving') addWaiter(ctx, tx, requestId);
  else reply(ctx, requestId, outcomeOf(ctx.s, txId));
}

/** Answers `requestId` about an unknown tx once the last resource has decided it. */
function answerUnknown(ctx: Ctx, requestId: number, txId: string): void {
  const { s } = ctx;
  if (s.live.size >= s.config.txInFlightMax) {
    refuse(ctx, requestId, 'RESOURCE_EXHAUSTED', `the coordinator holds its maximum of ${s.config.txInFlightMax} unfinished transactions; ask again`);
    return;
  }
  keep(s, { kind: 'resolving', txId, participants: [], lastResource: s.config.lastResource, waiters: [requestId], attempt: 0, retryAtMs: 0 });
  ctx.effects.push(resolveEffect(txId, s.config.lastResource));
}

/** Every other participant is prepared: the last resource's one-phase COMMIT decides. */
function commitAtLastResource(ctx: Ctx, txId: string, participants: readonly string[], last: string, waiters: readonly number[]): void {
  keep(ctx.s, { kind: 'committingLast', txId, participants, lastResource: last, waiters });
  ctx.effects.push({ kind: 'commitLastResource', txId, to: last, participants });
}

function onLastResourceAnswered(ctx: Ctx, txId: string, outcome: 'committed' | 'aborted' | 'unknown', reason: string, cause: NoVoteCause): void {
  const tx = ctx.s.live.get(txId);
  if (tx === undefined || tx.kind !== 'committingLast') return;
  switch (outcome) {
    case 'committed':
      lastResourceCommitted(ctx, tx.txId, tx.participants, tx.lastResource, tx.waiters);
      return;
    case 'aborted':
      startAbort(ctx, tx, `the last resource ${tx.lastResource} did not commit: ${reason}`, cause, []);
      return;
    case 'unknown':
      // either may have happened there; only a compare-and-set on its marker can tell, and
      // it also makes sure a commit still in flight can no longer happen after an abort
      keep(ctx.s, { kind: 'resolving', txId, participants: tx.participants, lastResource: tx.lastResource, waiters: tx.waiters, attempt: 0, retryAtMs: 0 });
      ctx.effects.push({ kind: 'resolveAtLastResource', txId, to: tx.lastResource });
      return;
    default:
      assertNever(outcome);
  }
}

function onResolved(ctx: Ctx, txId: string, outcome: 'committed' | 'aborted' | 'unknown'): void {
  const { s } = ctx;
  const tx = s.live.get(txId);
  if (tx === undefined || tx.kind !== 'resolving' || tx.retryAtMs !== 0) return;
  const known = tx.participants.length > 0;
  switch (outcome) {
    case 'committed':
      if (known) {
        lastResourceCommitted(ctx, txId, tx.participants, tx.lastResource, tx.waiters);
        return;
      }
      // a tx a restart forgot: its in-doubt participants ask, and hear committed
      for (const w of tx.waiters) reply(ctx, w, outcomeReply('committed', []));
      finish(ctx, txId, 'committed', '', []);
      return;
    case 'aborted':
      if (known) {
        startAbort(ctx, tx, `the last resource ${tx.lastResource} decided aborted: the commit did not happen there`, 'outage', []);
        return;
      }
      // the marker (or the shared log's key) now says aborted for good; still "presumed" to
      // a client, which trusts it only within the outcome retention, as for any tx the
      // coordinator does not know: a commit swept from the shared log after its retention
      // would read so too
      {
        const where = tx.lastResource === '' ? 'in the shared decision log' : `at the last resource ${tx.lastResource}`;
        for (const w of tx.waiters) reply(ctx, w, { ...presumedAbort, reason: `unknown transaction: aborted ${where}` });
        finish(ctx, txId, 'aborted', `aborted ${where}`, [], 'outage');
      }
      return;
    case 'unknown': {
      const attempt = tx.attempt + 1;
      keep(s, { ...tx, attempt, retryAtMs: s.nowMs + backoffMs(attempt, s.config.retryBackoffMsBase, s.config.retryBackoffMsMax, txId) });
      return;
    }
    default:
      assertNever(outcome);
  }
}

/** The last resource committed: the tx is committed; phase 2 tells the prepared others. */
function lastResourceCommitted(ctx: Ctx, txId: string, participants: readonly string[], last: string, waiters: readonly number[]): void {
  ctx.s.decided.commits += 1;
  if (participants.length === 1) {
    for (const w of waiters) reply(ctx, w, outcomeReply('committed', participants));
    finish(ctx, txId, 'committed', '', participants);
    return;
  }
  ctx.effects.push({ kind: 'appendCommitHint', record: { kind: 'commit', txId, participants, decidedAtMs: ctx.s.nowMs } });
  startCommit(ctx, txId, participants, waiters, ctx.s.nowMs, last);
}

function onAck(ctx: Ctx, txId: string, from: string, decision: 'commit' | 'abort'): void {
  const tx = ctx.s.live.get(txId);
  if (tx === undefined) return;
  const expected = decision === 'commit' ? 'committing' : 'aborting';
  if (tx.kind !== expected) return;
  assert(tx.kind === 'committing' || tx.kind === 'aborting', 'narrowed above');
  const peers = new Map(tx.peers);
  if (!peers.has(from)) return;
  peers.set(from, { kind: 'acked' });
  if (pendingOf(peers).length > 0) {
    keep(ctx.s, { ...tx, peers });
    return;
  }
  if (tx.kind === 'committing') {
    for (const w of tx.waiters) reply(ctx, w, outcomeReply('committed', tx.participants));
    // a yes-voter that missed our Commit would ask after its restart; every one acked, so the record may go
    ctx.effects.push({ kind: 'appendEnd', record: { kind: 'end', txId } });
    finish(ctx, txId, 'committed', '', tx.participants);
  } else {
    finish(ctx, txId, 'aborted', tx.reason, tx.participants, tx.cause);
  }
}

function onSendFailed(ctx: Ctx, txId: string, to: string, decision: 'commit' | 'abort'): void {
  const tx = ctx.s.live.get(txId);
  if (tx === undefined) return;
  const expected = decision === 'commit' ? 'committing' : 'aborting';
  if (tx.kind !== expected) return;
  assert(tx.kind === 'committing' || tx.kind === 'aborting', 'narrowed above');
  const peer = tx.peers.get(to);
  if (peer === undefined || peer.kind !== 'sending') return;
  const peers = new Map(tx.peers);
  const attempt = peer.attempt + 1;
  peers.set(to, { kind: 'backoff', attempt, retryAtMs: ctx.s.nowMs + backoffMs(attempt, ctx.s.config.retryBackoffMsBase, ctx.s.config.retryBackoffMsMax, `${txId}/${to}`) });
  keep(ctx.s, { ...tx, peers });
}

/** Remembers the outcome of `txId`; an abort with its `cause`, a commit with none. */
function finish(ctx: Ctx, txId: string, outcome: 'committed' | 'aborted', reason: string, participants: readonly string[], cause?: AbortCause): void {
  const { s } = ctx;
  assert((outcome === 'aborted') === (cause !== undefined), `a ${outcome} tx is remembered ${cause === undefined ? 'without' : 'with'} an abort cause`);
  s.live.delete(txId);
  s.due.delete(txId);
  const done: FinishedTx = {
    kind: 'finished',
    txId,
    outcome,
    reason,
    ...(cause === undefined ? {} : { cause }),
    participants,
    forgetAtMs: s.nowMs + s.config.finishedRetentionMs,
  };
  s.finished.delete(txId);
  // bounded by Begin, which admits a tx only while live and finished txs together stay
  // under finishedTxMax; only a recovery of a longer log can go past it, and then Begin
  // refuses until the surplus expires
  s.finished.set(txId, done);
}

/** Forgets the outcomes whose retention ended; the oldest is first (forgetAtMs never decreases). */
function forgetExpired(s: CoordinatorState): void {
  for (const done of s.finished.values()) {
    if (done.forgetAtMs > s.nowMs) break;
    s.finished.delete(done.txId);
  }
}

/** Every change of a live tx goes through here: it is stored, and queued for the tick at its next due time. */
function keep(s: CoordinatorState, tx: LiveTx): void {
  s.live.set(tx.txId, tx);
  s.due.set(tx.txId, dueMsOf(tx));
}

/** When `tx` next needs the clock (what onTick would act on then), or undefined when only an answer moves it. */
function dueMsOf(tx: LiveTx): number | undefined {
  switch (tx.kind) {
    case 'active':
      return tx.deadlineMs;
    case 'preparing':
      return tx.prepareDeadlineMs;
    case 'deciding':
    case 'committingLast':
      return undefined;
    case 'resolving':
      return tx.retryAtMs === 0 ? undefined : tx.retryAtMs;
    case 'committing':
      return earliestRetryMs(tx.peers, tx.waiters.length > 0 ? tx.replyAtMs : undefined);
    case 'aborting':
      return earliestRetryMs(tx.peers, tx.giveUpAtMs);
    default:
      return assertNever(tx);
  }
}

function earliestRetryMs(peers: ReadonlyMap<string, PeerState>, otherMs: number | undefined): number | undefined {
  let earliest = otherMs;
  for (const peer of peers.values()) if (peer.kind === 'backoff' && (earliest === undefined || peer.retryAtMs < earliest)) earliest = peer.retryAtMs;
  return earliest;
}

/** Acts on the txs whose time has come (s.due), earliest first; a tx queued again for now waits for the next tick. */
function onTick(ctx: Ctx): void {
  const { s } = ctx;
  const now = s.nowMs;
  for (const txId of s.due.takeDue(now)) {
    const tx = s.live.get(txId);
    assert(tx !== undefined, `tx ${txId} is due but not live`);
    switch (tx.kind) {
      case 'active':
        if (now >= tx.deadlineMs) startAbort(ctx, tx, 'transaction deadline exceeded', 'deadline', []);
        break;
      case 'preparing':
        // a participant that does not vote in time is down or stuck: nothing the tx's work did
        if (now >= tx.prepareDeadlineMs) startAbort(ctx, tx, 'prepare deadline exceeded: not every participant voted in time', 'outage', []);
        break;
      case 'deciding':
      case 'committingLast':
        break;
      case 'resolving':
        if (tx.retryAtMs !== 0 && now >= tx.retryAtMs) {
          keep(s, { ...tx, retryAtMs: 0 });
          ctx.effects.push(resolveEffect(tx.txId, tx.lastResource));
        }
        break;
      case 'committing':
        retryDue(ctx, tx, 'commit');
        answerWaitersAtPhase2Deadline(ctx, tx.txId);
        break;
      case 'aborting':
        if (now >= tx.giveUpAtMs) finish(ctx, tx.txId, 'aborted', tx.reason, tx.participants, tx.cause);
        else retryDue(ctx, tx, 'abort');
        break;
      default:
        assertNever(tx);
    }
    // taken off the queue above: what is still ahead of it (a later retry, a deadline) goes back
    const after = s.live.get(txId);
    if (after !== undefined && !s.due.has(txId)) s.due.set(txId, dueMsOf(after));
  }
  forgetExpired(s);
}

function retryDue(ctx: Ctx, tx: LiveTx & { kind: 'committing' | 'aborting' }, decision: 'commit' | 'abort'): void {
  let peers: Map<string, PeerState> | undefined;
  for (const [to, peer] of tx.peers) {
    if (peer.kind !== 'backoff' || peer.retryAtMs > ctx.s.nowMs) continue;
    peers ??= new Map(tx.peers);
    peers.set(to, { kind: 'sending', attempt: peer.attempt });
    ctx.effects.push({ kind: 'sendDecision', txId: tx.txId, to, decision });
  }
  if (peers !== undefined) keep(ctx.s, { ...tx, peers });
}

function answerWaitersAtPhase2Deadline(ctx: Ctx, txId: string): void {
  const tx = ctx.s.live.get(txId);
  if (tx === undefined || tx.kind !== 'committing' || tx.waiters.length === 0 || ctx.s.nowMs < tx.replyAtMs) return;
  const pending = pendingOf(tx.peers);
  for (const w of tx.waiters) reply(ctx, w, outcomeReply('committed', tx.participants, pending));
  keep(ctx.s, { ...tx, waiters: [] });
}

/**
 * Rebuilds the coordinator from its log after a restart: every commit without an end
 * is re-driven; an ended one is remembered as committed. Anything not in the log is
 * unknown, and unknown means aborted.
 */
function onRecover(ctx: Ctx, records: readonly LogRecord[]): void {
  const open = new Map<string, { participants: readonly string[]; decidedAtMs: number }>();
  for (const record of records) {
    switch (record.kind) {
      case 'commit':
        open.set(record.txId, { participants: record.participants, decidedAtMs: record.decidedAtMs });
        break;
      case 'end': {
        const commit = open.get(record.txId);
        open.delete(record.txId);
        // an end proves a commit even when the commit record sat in a reclaimed segment:
        // remember it as committed, so GetOutcome does not presume an abort
        finish(ctx, record.txId, 'committed', '', commit?.participants ?? []);
        break;
      }
      default:
        assertNever(record);
    }
  }
  for (const [txId, commit] of open) startCommit(ctx, txId, commit.participants, [], commit.decidedAtMs);
}
