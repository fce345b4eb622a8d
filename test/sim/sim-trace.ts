import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import type { ParticipantEffect } from '../../participant/protocol/participant-effect.js';
import type { ParticipantInput } from '../../participant/protocol/participant-input.js';

/** Compact one-line renderings of inputs and effects for `--seed N` traces. */

export function describeReply(r: Reply): string {
  switch (r.kind) {
    case 'begun':
      return `begun ${r.txId} deadline=${r.deadlineMs}`;
    case 'enlisted':
      return `enlisted deadline=${r.deadlineMs}`;
    case 'outcome':
      return `outcome ${r.outcome}${r.presumed ? ' (presumed)' : ''}${r.pending.length > 0 ? ` pending=${r.pending.join(',')}` : ''}`;
    case 'refused':
      return `refused ${r.code}`;
  }
}

export function describeCoordinatorInput(i: CoordinatorInput): string {
  switch (i.kind) {
    case 'tick':
      return `tick ${i.nowMs}`;
    case 'recover':
      return `recover [${i.records.map((r) => `${r.kind}:${r.txId}`).join(' ')}]`;
    case 'begin':
      return `#${i.requestId} begin ${i.txId}`;
    case 'enlist':
      return `#${i.requestId} enlist ${i.txId} ${i.participantId}`;
    case 'commit':
      return `#${i.requestId} commit ${i.txId}`;
    case 'abort':
      return `#${i.requestId} abort ${i.txId}`;
    case 'getOutcome':
      return `#${i.requestId} getOutcome ${i.txId}`;
    case 'vote':
      return `vote ${i.txId} ${i.from} ${i.vote}${i.reason === '' ? '' : ` (${i.reason})`}`;
    case 'decisionSynced':
      return `decisionSynced ${i.txId}`;
    case 'decisionRefused':
      return `decisionRefused ${i.txId} (${i.reason})`;
    case 'decisionLost':
      return `decisionLost ${i.txId}`;
    case 'ack':
      return `ack ${i.txId} ${i.from} ${i.decision}`;
    case 'sendFailed':
      return `sendFailed ${i.txId} ${i.to} ${i.decision} (${i.reason})`;
    case 'lastResourceAnswered':
      return `lastResourceAnswered ${i.txId} ${i.outcome}${i.reason === '' ? '' : ` (${i.reason})`}`;
    case 'resolved':
      return `resolved ${i.txId} ${i.outcome}`;
  }
}

export function describeCoordinatorEffect(e: CoordinatorEffect): string {
  switch (e.kind) {
    case 'reply':
      return `reply #${e.requestId} ${describeReply(e.reply)}`;
    case 'sendPrepare':
      return `sendPrepare ${e.txId} ${e.to}`;
    case 'appendCommit':
      return `appendCommit ${e.record.txId} [${e.record.participants.join(',')}]`;
    case 'sendDecision':
      return `sendDecision ${e.txId} ${e.to} ${e.decision}`;
    case 'appendEnd':
      return `appendEnd ${e.record.txId}`;
    case 'commitLastResource':
      return `commitLastResource ${e.txId} ${e.to}`;
    case 'resolveAtLastResource':
      return `resolveAtLastResource ${e.txId} ${e.to}`;
    case 'resolveInLog':
      return `resolveInLog ${e.txId}`;
    case 'appendCommitHint':
      return `appendCommitHint ${e.record.txId} [${e.record.participants.join(',')}]`;
  }
}

export function describeParticipantInput(i: ParticipantInput): string {
  switch (i.kind) {
    case 'tick':
      return `tick ${i.nowMs}`;
    case 'recovered':
      return `recovered [${i.prepared.map((p) => p.txId).join(' ')}]`;
    case 'enlistResult':
      return `enlistResult ${i.txId} ${i.result}`;
    case 'prepareDone':
      return `prepareDone ${i.txId} ${i.vote}`;
    case 'commitDone':
      return `commitDone ${i.txId} ${i.result}`;
    case 'abortDone':
      return `abortDone ${i.txId} ${i.ok ? 'ok' : 'failed'}`;
    case 'outcomeLearned':
      return `outcomeLearned ${i.txId} ${i.outcome}`;
    case 'commitOnePhaseDone':
    case 'resolveDone':
      return `${i.kind} ${i.txId} ${i.outcome}`;
    default:
      return `${i.kind} ${i.txId}`;
  }
}

export function describeParticipantEffect(e: ParticipantEffect): string {
  switch (e.kind) {
    case 'vote':
      return `vote ${e.txId} ${e.vote}${e.reason === '' ? '' : ` (${e.reason})`}`;
    case 'refuseWork':
      return `refuseWork ${e.txId} ${e.code}`;
    case 'askOutcome':
      return `askOutcome ${e.txId} #${e.attempt}`;
    case 'resolve':
      return `resolve ${e.txId} ${e.decision} (${e.reason})`;
    default:
      return `${e.kind} ${e.txId}`;
  }
}
