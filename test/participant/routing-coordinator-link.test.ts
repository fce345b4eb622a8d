import { describe, expect, it } from 'vitest';
import type { CoordinatorLink } from '../../participant/coordinator-link.js';
import { RoutingCoordinatorLink } from '../../participant/grpc/routing-coordinator-link.js';
import { coordinatorOfTxId, isValidTxId, newTxId, newTxIdOf, txIdCoordinatorIdLengthMax } from '../../lib/tx-id/tx-id.js';

/** A coordinator's link that records what it was asked, and is down when told so. */
function scripted(name: string, calls: string[], state: { down: boolean; outcome: 'committed' | 'aborted' }): CoordinatorLink {
  return {
    enlist: async (txId) => {
      calls.push(`${name} enlist ${txId}`);
      if (state.down) throw new Error(`${name} down`);
      return { txDeadlineMs: 1 };
    },
    getOutcome: async (txId) => {
      calls.push(`${name} getOutcome ${txId}`);
      if (state.down) throw new Error(`${name} down`);
      return state.outcome;
    },
    close: () => undefined,
  };
}

const random = 'aaaaaaaaaaaaaaaaaaaaa';

describe('RoutingCoordinatorLink', () => {
  const setup = () => {
    const calls: string[] = [];
    const c1 = { down: false, outcome: 'committed' as const };
    const c2 = { down: false, outcome: 'aborted' as const };
    const link = new RoutingCoordinatorLink([
      { id: 'c1', link: scripted('c1', calls, c1) },
      { id: 'c2', link: scripted('c2', calls, c2) },
    ]);
    return { calls, c1, c2, link };
  };

  it('sends an enlist to the coordinator the tx id names, and one that names none or an unknown one to the first', async () => {
    const { calls, link } = setup();
    await link.enlist(`c2-${random}`, 'blob', 'i');
    await link.enlist(random, 'blob', 'i');
    await link.enlist(`c9-${random}`, 'blob', 'i');
    expect(calls).toEqual([`c2 enlist c2-${random}`, `c1 enlist ${random}`, `c1 enlist c9-${random}`]);
  });

  it('never sends an enlist elsewhere when its coordinator is down: only it holds the tx', async () => {
    const { calls, c2, link } = setup();
    c2.down = true;
    await expect(link.enlist(`c2-${random}`, 'blob', 'i')).rejects.toThrow('c2 down');
    expect(calls).toEqual([`c2 enlist c2-${random}`]);
  });

  it('asks another coordinator the outcome of a tx whose own cannot be reached, and takes its answer', async () => {
    const { calls, c1, link } = setup();
    c1.down = true;
    expect(await link.getOutcome(`c1-${random}`, 'blob')).toBe('aborted');
    expect(calls).toEqual([`c1 getOutcome c1-${random}`, `c2 getOutcome c1-${random}`]);
  });

  it('never asks another about a tx that names no coordinator (begun on a file log, which only its coordinator can answer)', async () => {
    const { calls, c1, link } = setup();
    c1.down = true;
    await expect(link.getOutcome(random, 'blob')).rejects.toThrow('c1 down');
    expect(calls).toEqual([`c1 getOutcome ${random}`]);
  });

  it('when every coordinator is down, fails with the owner\'s error', async () => {
    const { c1, c2, link } = setup();
    c1.down = true;
    c2.down = true;
    await expect(link.getOutcome(`c1-${random}`, 'blob')).rejects.toThrow('c1 down');
  });
});

describe('tx ids that name their coordinator', () => {
  it('carry the id before 21 random characters, dashes in the id included, and a tx id of a file log names none', () => {
    for (const id of ['c1', 'east-1', 'coordinator_a']) {
      const txId = newTxIdOf(id);
      expect(isValidTxId(txId), txId).toBe(true);
      expect(coordinatorOfTxId(txId)).toBe(id);
    }
    expect(coordinatorOfTxId(newTxId())).toBeUndefined();
    expect(coordinatorOfTxId(`Upper-${random}`), 'not a coordinator id').toBeUndefined();
    expect(isValidTxId(newTxIdOf('c'.repeat(txIdCoordinatorIdLengthMax)))).toBe(true);
  });
});
