import { coordinatorOfTxId } from '../../lib/tx-id/tx-id.js';
import type { SimWorld } from './sim-world.js';

/** One coordinator a client calls: its id (what its tx ids carry; '' for the only one) and its network node. */
export interface SimCoordinatorEntry {
  readonly id: string;
  readonly node: number;
}

/**
 * The coordinators the simulated clients call, as the SDK's `CoordinatorSet` (sdk/coordinator-set.ts)
 * keeps them for one client process: Begin goes to each live one in turn, one that failed as
 * unreachable is passed over for `downMs`; a tx's calls go to the coordinator its id names;
 * the others answer for it when that one stays unreachable.
 */
export class SimCoordinatorSet {
  private readonly downUntilMs = new Map<SimCoordinatorEntry, number>();
  private next = 0;

  constructor(
    private readonly w: SimWorld,
    readonly entries: readonly SimCoordinatorEntry[],
    private readonly downMs: number,
  ) {}

  /** Several coordinators, each named by its id. */
  get shared(): boolean {
    return this.entries.length > 1;
  }

  /** The coordinators to try for a Begin, in order: the live ones from the next in turn, then those marked down, soonest back first. */
  forBegin(): SimCoordinatorEntry[] {
    const n = this.entries.length;
    const start = this.next;
    this.next = (this.next + 1) % n;
    const now = this.w.nowMs;
    const turn = Array.from({ length: n }, (_, i) => this.entries[(start + i) % n]!);
    const live = turn.filter((e) => (this.downUntilMs.get(e) ?? 0) <= now);
    const down = turn.filter((e) => (this.downUntilMs.get(e) ?? 0) > now).sort((a, b) => this.downUntilMs.get(a)! - this.downUntilMs.get(b)!);
    return [...live, ...down];
  }

  /** The coordinator a tx id names (the first one for an id that names none). */
  ownerOf(txId: string): SimCoordinatorEntry {
    const named = coordinatorOfTxId(txId);
    return this.entries.find((e) => named !== undefined && e.id === named) ?? this.entries[0]!;
  }

  /** Those that may answer for a tx whose own coordinator cannot be reached: every other live one, for an id that names its coordinator. */
  othersFor(txId: string): SimCoordinatorEntry[] {
    if (!this.shared || coordinatorOfTxId(txId) === undefined) return [];
    const owner = this.ownerOf(txId);
    return this.entries.filter((e) => e !== owner && (this.downUntilMs.get(e) ?? 0) <= this.w.nowMs);
  }

  markDown(entry: SimCoordinatorEntry): void {
    this.downUntilMs.set(entry, this.w.nowMs + this.downMs);
  }

  markUp(entry: SimCoordinatorEntry): void {
    this.downUntilMs.delete(entry);
  }
}
