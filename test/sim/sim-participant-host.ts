import { ParticipantError } from '../../participant/participant-errors.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { ParticipantConfig, ParticipantState } from '../../participant/protocol/branch-state.js';
import type { ParticipantInput } from '../../participant/protocol/participant-input.js';
import { participantStep } from '../../participant/protocol/participant-step.js';
import { silentLogger } from '../../lib/logger/logger.js';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import type { SimChecker } from './sim-checker.js';
import { SimClock } from './sim-clock.js';
import type { Endpoint, Request, Response, SimNetwork } from './sim-network.js';
import type { MutantName } from './sim-options.js';
import type { SimStorage } from './sim-storage.js';
import { describeParticipantEffect, describeParticipantInput } from './sim-trace.js';
import { SimCoordinatorLink } from './sim-transport.js';
import { RoutingCoordinatorLink } from '../../participant/grpc/routing-coordinator-link.js';
import type { SimWorld } from './sim-world.js';


/** One for every incarnation: a pino instance costs more to build than a simulated step. */
const simLogger = silentLogger();

export interface SimParticipantOptions {
  readonly config: ParticipantConfig;
  readonly tickMs: number;
  /** Deadline of the participant's Enlist and GetOutcome calls to the coordinator. */
  readonly coordinatorCallTimeoutMs: number;
  readonly skewMs: number;
  /** The coordinators, by the id their tx ids carry: one ('' on the file log), or several on a shared log. */
  readonly coordinators: readonly { readonly id: string; readonly node: number }[];
  readonly mutant: MutantName | undefined;
  /** Enlist names this incarnation (ParticipantRuntime does); `false` is the Enlist before 911ae2e. */
  readonly enlistNamesIncarnation: boolean;
  /** `false` turns the core's verify-only Commit of an unknown branch back into the pre-a8e623e one. */
  readonly commitOfUnknownBranchVerifiesOnly: boolean;
  readonly afterStep: () => void;
}

/**
 * A participant process: the production `ParticipantRuntime` over a simulated resource
 * manager, on the simulator's clock and network. A crash drops the runtime where it
 * stands; a restart builds a new one (a new incarnation) that recovers the resource
 * manager and only then serves, as `participant/run-participant.ts` does.
 */
export class SimParticipantHost implements Endpoint {
  up = false;
  incarnation = 0;
  node = -1;
  runtime: ParticipantRuntime | undefined;
  /** Recovered and answering calls (as a real process serves only after recovery). */
  serving = false;
  private clock: SimClock | undefined;

  constructor(
    private readonly w: SimWorld,
    private readonly net: SimNetwork,
    readonly rm: SimStorage,
    private readonly checker: SimChecker,
    private readonly o: SimParticipantOptions,
  ) {}

  get name(): string {
    return this.rm.participantId;
  }

  async start(): Promise<void> {
    this.up = true;
    const incarnation = ++this.incarnation;
    const clock = (this.clock = new SimClock(this.w, this.o.skewMs));
    const rm = this.rm.open(clock);
    let runtime: ParticipantRuntime | undefined = undefined;
    const linkTo = (node: number): SimCoordinatorLink => new SimCoordinatorLink(this.net, this.node, node, this.o.coordinatorCallTimeoutMs, this.o.enlistNamesIncarnation);
    const coordinators = this.o.coordinators;
    // several coordinators: the production routing (an Enlist to the tx's own, a GetOutcome there first, then to the others)
    const link: CoordinatorLink = coordinators.length === 1 ? linkTo(coordinators[0]!.node) : new RoutingCoordinatorLink(coordinators.map(({ id, node }) => ({ id, link: linkTo(node) })));
    runtime = new ParticipantRuntime({
      rm,
      coordinator: this.o.mutant === 'unilateralAbortInDoubt' ? new GivesUpInDoubt(link, () => runtime) : link,
      logger: simLogger,
      config: this.o.config,
      clock,
      tickIntervalMs: this.o.tickMs,
      incarnation: `${this.name}-${incarnation}`,
      step: (state, input) => this.step(state, input),
    });
    this.runtime = runtime;
    await runtime.start();
    if (incarnation === this.incarnation) this.serving = true;
  }

  /** A process crash, or (`machine`) a machine crash: its disk loses what was not synced. */
  crash(machine = false): void {
    this.up = false;
    this.serving = false;
    this.incarnation++;
    this.clock?.kill();
    this.runtime = undefined;
    this.rm.crash(machine);
  }

  handle(req: Request, respond: (res: Response) => void): void {
    const runtime = this.runtime;
    if (!this.serving || runtime === undefined) return;
    const fail = (err: unknown): void => respond({ k: 'error', code: err instanceof ParticipantError ? err.status : 'INTERNAL' });
    switch (req.k) {
      case 'work':
        runtime.run(req.tx, () => this.rm.work(req.tx, req.op)).then(() => respond({ k: 'ok' }), fail);
        return;
      case 'prepare':
        runtime.prepare(req.tx).then((v) => respond({ k: 'vote', vote: v.vote }), fail);
        return;
      case 'commitBranch':
        runtime.commit(req.tx).then(() => {
          this.checker.commitAcked(req.tx, this.name);
          respond({ k: 'ok' });
        }, fail);
        return;
      case 'abortBranch':
        runtime.abort(req.tx, 'aborted by the coordinator').then(() => respond({ k: 'ok' }), fail);
        return;
      case 'commitOnePhase':
        runtime.commitOnePhase(req.tx, req.participants).then((outcome) => respond({ k: 'decided', outcome }), fail);
        return;
      case 'resolveOutcome':
        runtime.resolveOutcome(req.tx).then((outcome) => respond({ k: 'decided', outcome }), fail);
        return;
      default:
        respond({ k: 'error', code: 'UNIMPLEMENTED' });
    }
  }

  /** The real core, traced, counted, followed by a chance to crash; with a fixed bug reverted, bent back. */
  private step(state: ParticipantState, input: ParticipantInput): ReturnType<typeof participantStep> {
    const w = this.w;
    if (w.tracing && input.kind !== 'tick') w.trace(`${this.name}< ${describeParticipantInput(input)}`);
    const unknownBefore = input.kind === 'commitRequested' && !state.branches.has(input.txId);
    const result = participantStep(state, input);
    if (unknownBefore && !this.o.commitOfUnknownBranchVerifiesOnly) {
      // the old core (before a8e623e): a Commit of an unknown branch made an ordinary
      // `committing` branch, which a failed verification turned into a prepared, in-doubt one
      const b = result.state.branches.get(input.txId);
      if (b?.kind === 'committing') result.state.branches.set(input.txId, { ...b, verifyOnly: false });
    }
    w.stats.participantSteps++;
    if (w.tracing) for (const effect of result.effects) w.trace(`${this.name}> ${describeParticipantEffect(effect)}`);
    this.o.afterStep();
    return result;
  }
}

/**
 * Mutant (g): a link that, when the coordinator cannot say, makes the participant give up
 * waiting and abort a branch that voted yes.
 */
class GivesUpInDoubt implements CoordinatorLink {
  constructor(
    private readonly link: CoordinatorLink,
    private readonly runtime: () => ParticipantRuntime | undefined,
  ) {}

  enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }> {
    return this.link.enlist(txId, participantId, incarnation);
  }

  async getOutcome(txId: string, participantId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'> {
    try {
      return await this.link.getOutcome(txId, participantId);
    } catch (err) {
      const runtime = this.runtime();
      if (runtime?.inDoubt().some((b) => b.txId === txId) === true) void runtime.abort(txId, 'gave up waiting for the coordinator').catch(() => undefined);
      throw err;
    }
  }

  close(): void {
    this.link.close();
  }
}
