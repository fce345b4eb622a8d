import type { ParticipantConnector } from '../../coordinator/participant-connector.js';
import type { Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { Clock } from '../../lib/clock/clock.js';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import { CoordinatorUnavailableError, InvalidInputError, LimitExceededError, TxNotActiveError } from '../../participant/participant-errors.js';
import type { Request, Response, SimNetwork } from './sim-network.js';

/** A failed simulated call: no answer within the deadline, or an error status. */
export class SimCallError extends Error {
  override readonly name = 'SimCallError';
}

/** One unary call over the simulated network as a promise; a caller that crashed never hears back. */
function call(net: SimNetwork, from: number, to: number, req: Request, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    net.call(from, to, req, timeoutMs, (res) => {
      if (res === undefined) reject(new SimCallError(`${req.k}: deadline exceeded`));
      else if (res.k === 'error') reject(new SimCallError(`${req.k}: ${res.code}`));
      else resolve(res);
    });
  });
}

/** The coordinator's calls to participants (GrpcParticipantConnector's part) over the simulated network. */
export class SimParticipantConnector implements ParticipantConnector {
  constructor(
    private readonly net: SimNetwork,
    private readonly node: number,
    private readonly clock: Clock,
    /** participantId → network node */
    private readonly participantNodes: ReadonlyMap<string, number>,
    /** Deadline of one phase-2 Commit/Abort call. */
    private readonly phase2CallTimeoutMs: number,
  ) {}

  async prepare(participantId: string, txId: string, deadlineMs: number): Promise<{ vote: 'yes' | 'no'; reason: string }> {
    const res = await call(this.net, this.node, this.nodeOf(participantId), { k: 'prepare', tx: txId }, Math.max(0.01, deadlineMs - this.clock.now()));
    if (res.k !== 'vote') throw new SimCallError(`prepare answered ${res.k}`);
    return { vote: res.vote, reason: res.vote === 'no' ? 'the participant voted no' : '' };
  }

  async commit(participantId: string, txId: string): Promise<void> {
    await call(this.net, this.node, this.nodeOf(participantId), { k: 'commitBranch', tx: txId }, this.phase2CallTimeoutMs);
  }

  async abort(participantId: string, txId: string): Promise<void> {
    await call(this.net, this.node, this.nodeOf(participantId), { k: 'abortBranch', tx: txId }, this.phase2CallTimeoutMs);
  }

  async commitOnePhase(participantId: string, txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    const res = await call(this.net, this.node, this.nodeOf(participantId), { k: 'commitOnePhase', tx: txId, participants }, this.phase2CallTimeoutMs);
    if (res.k !== 'decided') throw new SimCallError(`commitOnePhase answered ${res.k}`);
    return res.outcome;
  }

  async resolveOutcome(participantId: string, txId: string): Promise<'committed' | 'aborted'> {
    const res = await call(this.net, this.node, this.nodeOf(participantId), { k: 'resolveOutcome', tx: txId }, this.phase2CallTimeoutMs);
    if (res.k !== 'decided') throw new SimCallError(`resolveOutcome answered ${res.k}`);
    return res.outcome;
  }

  list(): readonly { participantId: string; address: string }[] {
    return [...this.participantNodes.keys()].map((participantId) => ({ participantId, address: `sim:${participantId}` }));
  }

  close(): void {}

  private nodeOf(participantId: string): number {
    const node = this.participantNodes.get(participantId);
    if (node === undefined) throw new SimCallError(`participant ${participantId} is not configured`);
    return node;
  }
}

/** A participant's calls to the coordinator, mapped to errors as GrpcCoordinatorLink maps status codes. */
export class SimCoordinatorLink implements CoordinatorLink {
  constructor(
    private readonly net: SimNetwork,
    private readonly node: number,
    private readonly coordinatorNode: number,
    private readonly callTimeoutMs: number,
    /** `false` sends an empty incarnation: the Enlist before 911ae2e (a fixed bug the simulator must still catch). */
    private readonly namesIncarnation: boolean,
  ) {}

  async enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }> {
    const reply = await this.reply({ k: 'enlist', tx: txId, p: participantId, incarnation: this.namesIncarnation ? incarnation : '' }, txId);
    if (reply.kind === 'enlisted') return { txDeadlineMs: reply.deadlineMs };
    if (reply.kind === 'refused') {
      if (reply.code === 'FAILED_PRECONDITION' || reply.code === 'NOT_FOUND') throw new TxNotActiveError(txId, reply.message);
      if (reply.code === 'INVALID_ARGUMENT') throw new InvalidInputError('enlist', reply.message);
      if (reply.code === 'RESOURCE_EXHAUSTED') throw new LimitExceededError(`coordinator refused the enlist: ${reply.message}`);
    }
    throw new CoordinatorUnavailableError(txId, { cause: new SimCallError(`enlist answered ${reply.kind}`) });
  }

  async getOutcome(txId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'> {
    const reply = await this.reply({ k: 'getOutcome', tx: txId }, txId);
    if (reply.kind !== 'outcome') throw new CoordinatorUnavailableError(txId, { cause: new SimCallError(`getOutcome answered ${reply.kind}`) });
    return reply.outcome;
  }

  close(): void {}

  private async reply(req: Request, txId: string): Promise<Reply> {
    let res: Response;
    try {
      res = await call(this.net, this.node, this.coordinatorNode, req, this.callTimeoutMs);
    } catch (err) {
      throw new CoordinatorUnavailableError(txId, { cause: err });
    }
    if (res.k !== 'reply') throw new CoordinatorUnavailableError(txId, { cause: new SimCallError(`${req.k} answered ${res.k}`) });
    return res.reply;
  }
}
