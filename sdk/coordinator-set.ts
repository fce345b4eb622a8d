import type * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { CoordinatorClient } from '../proto/gen/twophase/v1/Coordinator.js';
import { clientOptions } from '../lib/grpc/client-options.js';
import { LinkClient, type LinkStream } from '../lib/grpc-link/link-client.js';
import { coordinatorUnaryFallback } from '../lib/grpc-link/coordinator-unary-fallback.js';
import { coordinatorOfTxId } from '../lib/tx-id/tx-id.js';
import { limits } from '../lib/limits/limits.js';
import { assert } from '../lib/assert/assert.js';

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
