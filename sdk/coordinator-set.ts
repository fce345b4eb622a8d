import type * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { CoordinatorClient } from '../proto/gen/twophase/v1/Coordinator.js';
import { clientOptions } from '../lib/grpc/client-options.js';
import { LinkClient, type LinkStream } from '../lib/grpc-link/link-client.js';
import { coordinatorUnaryFallback } from '../lib/grpc-link/coordinator-unary-fallback.js';
import { coordinatorOfTxId } from '../lib/tx-id/tx-id.js';
import { limits } from '../lib/limits/limits.js';
import { assert } from '../lib/assert/assert.js';
import { TwoPhaseError } from './sdk-errors.js';

/** A failure that says nothing of the outcome: the call may not have arrived, or its reply was lost. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof TwoPhaseError && (err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED' || err.code === 'INTERNAL');
}

/**
 * `call` at a tx's own coordinator, again while it fails as unreachable, until
 * `limits.sdkOwnerUnreachableGraceMs` have passed since the first failure (a restart is back
 * well within it); then its last failure is thrown. Only then may the others be asked, which
 * settle an undecided tx as aborted.
 */
export async function atOwnerWithinGrace<T>(call: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + limits.sdkOwnerUnreachableGraceMs;
  let delay: number = limits.sdkOutcomeRetryMsBase;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isUnreachable(err) || Date.now() >= giveUpAt) throw err;
      // the last try at the end of the grace itself
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, giveUpAt - Date.now())));
      delay = Math.min(delay * 2, limits.sdkOutcomeRetryMsMax);
    }
  }
}

/** One coordinator the SDK calls: its id (what its tx ids carry; '' for a single one), address, client and Link. */
export interface CoordinatorEntry {
  readonly id: string;
  readonly address: string;
  readonly client: CoordinatorClient;
  readonly link: LinkClient;
}

/**
 * The coordinators a client calls (DESIGN.md, *Shared decision log*). `Begin` goes to each
 * live one in turn; one whose call failed as unreachable is passed over for
 * `limits.sdkCoordinatorDownMs`, then tried again. A tx's other calls go to the coordinator
 * its id names, the only one that holds it; when that one cannot be reached, any other
 * answers an outcome from the shared log (settling an undecided tx as aborted by
 * compare-and-set), so a coordinator that is gone for good strands no client.
 */
export class CoordinatorSet {
  readonly entries: readonly CoordinatorEntry[];
  private readonly downUntilMs = new Map<CoordinatorEntry, number>();
  private next = 0;

  constructor(addresses: readonly { readonly id: string; readonly address: string }[], credentials: grpc.ChannelCredentials) {
    assert(addresses.length > 0, 'at least one coordinator');
    const { Coordinator } = loadProto().twophase.v1;
    this.entries = addresses.map(({ id, address }) => {
      const client = new Coordinator(address, credentials, clientOptions);
      return { id, address, client, link: new LinkClient(() => client.Link() as unknown as LinkStream, coordinatorUnaryFallback(client)) };
    });
  }

  /** Several coordinators, each named by its id. */
  get shared(): boolean {
    return this.entries.length > 1;
  }

  /** The coordinators to try for a Begin, in order: the live ones from the next in turn, then those marked down, soonest back first. */
  forBegin(): CoordinatorEntry[] {
    const n = this.entries.length;
    const start = this.next;
    this.next = (this.next + 1) % n;
    const now = Date.now();
    const turn = Array.from({ length: n }, (_, i) => this.entries[(start + i) % n]!);
    const live = turn.filter((e) => (this.downUntilMs.get(e) ?? 0) <= now);
    const down = turn.filter((e) => (this.downUntilMs.get(e) ?? 0) > now).sort((a, b) => this.downUntilMs.get(a)! - this.downUntilMs.get(b)!);
    return [...live, ...down];
  }

  /** The coordinator a tx id names (the first one for an id that names none, or one not listed). */
  ownerOf(txId: string): CoordinatorEntry {
    const named = coordinatorOfTxId(txId);
    return this.entries.find((e) => named !== undefined && e.id === named) ?? this.entries[0]!;
  }

  /**
   * Those that may answer for a tx whose owner cannot be reached: every other one, when the
   * tx id names its coordinator (it was begun on a shared log); none otherwise (a file log's
   * coordinator alone knows its txs, another could only presume them aborted).
   */
  othersFor(txId: string): CoordinatorEntry[] {
    if (!this.shared || coordinatorOfTxId(txId) === undefined) return [];
    const owner = this.ownerOf(txId);
    return this.entries.filter((e) => e !== owner && (this.downUntilMs.get(e) ?? 0) <= Date.now());
  }

  /**
   * `call` at the coordinators in Begin's order: the next one when a call fails as
   * unreachable (refused, or no answer within `limits.sdkBeginAttemptMsShared`, which is each
   * attempt's deadline but the last's: a paused coordinator accepts calls and never answers),
   * passing it over meanwhile. Resolves with the answer and the coordinator that gave it.
   */
  async inTurn<T>(call: (entry: CoordinatorEntry, timeoutMs: number | undefined) => Promise<T>): Promise<{ entry: CoordinatorEntry; result: T }> {
    const order = this.forBegin();
    for (let i = 0; ; i++) {
      const entry = order[i]!;
      const last = i === order.length - 1;
      try {
        const result = await call(entry, last ? undefined : limits.sdkBeginAttemptMsShared);
        this.markUp(entry);
        return { entry, result };
      } catch (err) {
        const unreachable = err instanceof TwoPhaseError && (err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED');
        if (!unreachable || order.length === 1) throw err;
        this.markDown(entry);
        if (last) throw err;
      }
    }
  }

  markDown(entry: CoordinatorEntry): void {
    this.downUntilMs.set(entry, Date.now() + limits.sdkCoordinatorDownMs);
  }

  markUp(entry: CoordinatorEntry): void {
    this.downUntilMs.delete(entry);
  }

  close(): void {
    for (const e of this.entries) {
      e.link.close();
      e.client.close();
    }
  }
}
