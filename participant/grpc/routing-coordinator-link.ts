import { coordinatorOfTxId } from '../../lib/tx-id/tx-id.js';
import { assert } from '../../lib/assert/assert.js';
import type { CoordinatorLink } from '../coordinator-link.js';

/**
 * The participant's calls to coordinators on a shared decision log (DESIGN.md, *Shared
 * decision log*), each known by the id its tx ids carry. An Enlist goes to the coordinator
 * the tx id names (only it holds the tx); a tx id that names none, or one not listed, goes
 * to the first. A GetOutcome goes there first and, if it fails, to each other in turn:
 * those settle a tx they do not know by compare-and-set in the shared log, so any answer
 * is the decision. A tx id that names no coordinator was begun on a file log, whose
 * coordinator alone can answer: it is never asked of another, which could only presume it
 * aborted.
 */
export class RoutingCoordinatorLink implements CoordinatorLink {
  private readonly byId: ReadonlyMap<string, CoordinatorLink>;

  constructor(private readonly links: readonly { readonly id: string; readonly link: CoordinatorLink }[]) {
    assert(links.length > 0, 'at least one coordinator');
    this.byId = new Map(links.map(({ id, link }) => [id, link]));
  }

  enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }> {
    return this.ownerOf(txId).enlist(txId, participantId, incarnation);
  }

  async getOutcome(txId: string, participantId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'> {
    const owner = this.ownerOf(txId);
    try {
      return await owner.getOutcome(txId, participantId);
    } catch (err) {
      if (coordinatorOfTxId(txId) === undefined) throw err;
      for (const { link } of this.links) {
        if (link === owner) continue;
        try {
          return await link.getOutcome(txId, participantId);
        } catch {
          // this one cannot answer either: the next
        }
      }
      throw err;
    }
  }

  close(): void {
    for (const { link } of this.links) link.close();
  }

  private ownerOf(txId: string): CoordinatorLink {
    const named = coordinatorOfTxId(txId);
    return (named === undefined ? undefined : this.byId.get(named)) ?? this.links[0]!.link;
  }
}
