import type { Reply } from '../../coordinator/protocol/coordinator-effect.js';
import type { SimProcessGate } from './sim-process-gate.js';
import type { SimWorld } from './sim-world.js';

/** The calls of the system: client → coordinator, participant → coordinator, coordinator → participant, client → participant. */
export type Request =
  | { readonly k: 'begin' }
  | { readonly k: 'enlist'; readonly tx: string; readonly p: string; readonly incarnation: string }
  | { readonly k: 'commit'; readonly tx: string }
  | { readonly k: 'abort'; readonly tx: string }
  | { readonly k: 'getOutcome'; readonly tx: string }
  | { readonly k: 'prepare'; readonly tx: string }
  | { readonly k: 'commitBranch'; readonly tx: string }
  | { readonly k: 'abortBranch'; readonly tx: string }
  | { readonly k: 'work'; readonly tx: string; readonly op: number }
  | { readonly k: 'commitOnePhase'; readonly tx: string; readonly participants: readonly string[] }
  | { readonly k: 'resolveOutcome'; readonly tx: string };

export type Response =
  | { readonly k: 'reply'; readonly reply: Reply }
  | { readonly k: 'vote'; readonly vote: 'yes' | 'no' }
  | { readonly k: 'ok' }
  | { readonly k: 'decided'; readonly outcome: 'committed' | 'aborted' }
  | { readonly k: 'error'; readonly code: string };

/**
 * A process reachable over the network. A crash bumps `incarnation`: replies to the old one
 * are dropped. One with a `gate` can be paused: what it would send or receive meanwhile
 * waits in its socket buffers until it is continued.
 */
export interface Endpoint {
  readonly name: string;
  readonly up: boolean;
  readonly incarnation: number;
  readonly gate?: SimProcessGate | undefined;
  handle(req: Request, respond: (res: Response) => void): void;
}

interface Call {
  readonly from: number;
  readonly to: number;
  readonly fromIncarnation: number;
  done: boolean;
  readonly onDone: (res: Response | undefined) => void;
}

/**
 * Unary RPC over a lossy network: each message may be dropped, duplicated, delayed (so
 * reordered) or cut by a partition. A call ends with the first response, or with
 * `undefined` at its timeout; a caller that crashed meanwhile hears nothing.
 */
export class SimNetwork {
  readonly nodes: Endpoint[] = [];
  dropRate = 0;
  dupRate = 0;
  slowRate = 0;
  private cutUntilMs: Float64Array = new Float64Array(0);

  constructor(private readonly w: SimWorld) {}

  add(node: Endpoint): number {
    this.nodes.push(node);
    this.cutUntilMs = new Float64Array(this.nodes.length * this.nodes.length);
    return this.nodes.length - 1;
  }

  /** Cuts both directions between `a` and `b` until `untilMs`. */
  cut(a: number, b: number, untilMs: number): void {
    const n = this.nodes.length;
    this.cutUntilMs[a * n + b] = Math.max(this.cutUntilMs[a * n + b]!, untilMs);
    this.cutUntilMs[b * n + a] = Math.max(this.cutUntilMs[b * n + a]!, untilMs);
  }

  heal(): void {
    this.cutUntilMs.fill(0);
    this.dropRate = 0;
    this.dupRate = 0;
    this.slowRate = 0;
  }

  call(from: number, to: number, req: Request, timeoutMs: number, onDone: (res: Response | undefined) => void): void {
    const caller = this.nodes[from]!;
    // a paused caller (the rest of the event it was paused in) sends once it is continued
    whenRunning(caller, () => {
      const call: Call = { from, to, fromIncarnation: caller.incarnation, done: false, onDone };
      this.send(from, to, req.k, () => this.deliverRequest(call, req));
      this.w.after(timeoutMs, () =>
        whenRunning(caller, () => {
          if (call.done) return;
          call.done = true;
          if (this.callerAlive(call)) onDone(undefined);
        }),
      );
    });
  }

  private deliverRequest(call: Call, req: Request): void {
    const server = this.nodes[call.to]!;
    if (!server.up) return;
    if (server.gate?.paused === true) {
      server.gate.whenRunning(() => this.deliverRequest(call, req));
      return;
    }
    const incarnation = server.incarnation;
    server.handle(req, (res) =>
      whenRunning(server, () => {
        // a process that crashed sends nothing more
        if (server.incarnation !== incarnation || !server.up) return;
        this.send(call.to, call.from, res.k, () => this.deliverResponse(call, res));
      }),
    );
  }

  private deliverResponse(call: Call, res: Response): void {
    if (call.done) return;
    if (!this.callerAlive(call)) return;
    const caller = this.nodes[call.from]!;
    if (caller.gate?.paused === true) {
      caller.gate.whenRunning(() => this.deliverResponse(call, res));
      return;
    }
    call.done = true;
    call.onDone(res);
  }

  private callerAlive(call: Call): boolean {
    const caller = this.nodes[call.from]!;
    return caller.up && caller.incarnation === call.fromIncarnation;
  }

  private send(from: number, to: number, what: string, deliver: () => void): void {
    const w = this.w;
    w.stats.messages++;
    const n = this.nodes.length;
    if (this.cutUntilMs[from * n + to]! > w.nowMs) {
      w.stats.dropped++;
      if (w.tracing) w.trace(`net cut ${this.nodes[from]!.name}->${this.nodes[to]!.name} ${what}`);
      return;
    }
    if (this.dropRate > 0 && w.rng.chance(this.dropRate)) {
      w.stats.dropped++;
      if (w.tracing) w.trace(`net drop ${this.nodes[from]!.name}->${this.nodes[to]!.name} ${what}`);
      return;
    }
    w.after(this.delayMs(), deliver);
    if (this.dupRate > 0 && w.rng.chance(this.dupRate)) {
      w.stats.duplicated++;
      if (w.tracing) w.trace(`net dup ${this.nodes[from]!.name}->${this.nodes[to]!.name} ${what}`);
      w.after(this.delayMs(), deliver);
    }
  }

  private delayMs(): number {
    const rng = this.w.rng;
    if (this.slowRate > 0 && rng.chance(this.slowRate)) return rng.range(10, 90);
    return rng.range(0.1, 2.5);
  }
}

/** Runs `run` now, or once `node` is continued if it is paused. */
function whenRunning(node: Endpoint, run: () => void): void {
  if (node.gate === undefined) run();
  else node.gate.whenRunning(run);
}
