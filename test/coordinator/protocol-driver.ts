import { coordinatorConfig, type CoordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import type { CoordinatorEffect, Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { CoordinatorInput } from '../../coordinator/protocol/coordinator-input.js';
import { initialCoordinatorState, type CoordinatorState } from '../../coordinator/protocol/coordinator-state.js';
import { step } from '../../coordinator/protocol/step.js';

/** Feeds inputs to the pure core and keeps the whole trace, for scripted tests. */
export class ProtocolDriver {
  state: CoordinatorState;
  readonly trace: { input: CoordinatorInput; effects: readonly CoordinatorEffect[] }[] = [];
  private nextRequestId = 1;

  constructor(config: Partial<CoordinatorConfig> = {}, nowMs = 1_000) {
    this.state = initialCoordinatorState(coordinatorConfig(config), nowMs);
  }

  feed(input: CoordinatorInput): readonly CoordinatorEffect[] {
    const { state, effects } = step(this.state, input);
    this.state = state;
    this.trace.push({ input, effects });
    return effects;
  }

  /** Sends a request input and returns its id plus the effects of that step. */
  request(input: DistributiveOmit<CoordinatorInput & { requestId: number }, 'requestId'>): { requestId: number; effects: readonly CoordinatorEffect[] } {
    const requestId = this.nextRequestId++;
    const effects = this.feed({ ...input, requestId } as CoordinatorInput);
    return { requestId, effects };
  }

  tick(nowMs: number): readonly CoordinatorEffect[] {
    return this.feed({ kind: 'tick', nowMs });
  }

  begin(txId: string, timeoutMs = 0): void {
    const { effects } = this.request({ kind: 'begin', txId, timeoutMs });
    if (replyIn(effects) === undefined) throw new Error('begin got no reply');
  }

  enlist(txId: string, participantId: string, incarnation = 'boot-1'): Reply {
    const { requestId, effects } = this.request({ kind: 'enlist', txId, participantId, incarnation });
    const r = replyIn(effects, requestId);
    if (r === undefined) throw new Error('enlist got no reply');
    return r;
  }

  /** Every effect ever emitted, flattened, in order. */
  allEffects(): CoordinatorEffect[] {
    return this.trace.flatMap((t) => t.effects);
  }

  /** Every reply ever emitted to `requestId`. */
  repliesTo(requestId: number): Reply[] {
    return this.allEffects().flatMap((e) => (e.kind === 'reply' && e.requestId === requestId ? [e.reply] : []));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function replyIn(effects: readonly CoordinatorEffect[], requestId?: number): Reply | undefined {
  for (const e of effects) if (e.kind === 'reply' && (requestId === undefined || e.requestId === requestId)) return e.reply;
  return undefined;
}

export function sendsIn(effects: readonly CoordinatorEffect[], kind: 'sendPrepare' | 'sendDecision'): { to: string; decision?: string }[] {
  return effects.flatMap((e) => (e.kind === kind ? [{ to: e.to, ...(e.kind === 'sendDecision' ? { decision: e.decision } : {}) }] : []));
}
