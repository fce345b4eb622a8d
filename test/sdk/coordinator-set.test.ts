import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atOwnerWithinGrace, CoordinatorSet } from '../../sdk/coordinator-set.js';
import { InvalidArgumentError, TwoPhaseClient, UnavailableError } from '../../sdk/index.js';
import { limits } from '../../lib/limits/limits.js';

const three = [
  { id: 'c1', address: '127.0.0.1:1' },
  { id: 'c2', address: '127.0.0.1:2' },
  { id: 'c3', address: '127.0.0.1:3' },
];

afterEach(() => {
  vi.useRealTimers();
});

describe('the coordinators an SDK client calls', () => {
  it('Begin goes to each in turn; one marked down is tried last until its time is up', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const set = new CoordinatorSet(three, grpc.credentials.createInsecure());
    try {
      const firstOf = () => set.forBegin().map((e) => e.id);
      expect(firstOf()).toEqual(['c1', 'c2', 'c3']);
      expect(firstOf()).toEqual(['c2', 'c3', 'c1']);
      set.markDown(set.entries[2]!);
      expect(firstOf()).toEqual(['c1', 'c2', 'c3']);
      expect(firstOf()).toEqual(['c1', 'c2', 'c3']);
      set.markDown(set.entries[0]!);
      vi.advanceTimersByTime(1);
      // both down: the one back sooner (c3) before the other
      expect(firstOf()).toEqual(['c2', 'c3', 'c1']);
      vi.advanceTimersByTime(limits.sdkCoordinatorDownMs);
      expect(firstOf()).toEqual(['c3', 'c1', 'c2']);
      set.markDown(set.entries[1]!);
      set.markUp(set.entries[1]!);
      expect(firstOf()).toEqual(['c1', 'c2', 'c3']);
    } finally {
      set.close();
    }
  });

  it('a tx goes to the coordinator its id names; the others answer for it only when it names one', () => {
    const set = new CoordinatorSet(three, grpc.credentials.createInsecure());
    try {
      expect(set.ownerOf('c2-aaaaaaaaaaaaaaaaaaaaa').id).toBe('c2');
      // named by a coordinator not listed, or by none: the first
      expect(set.ownerOf('c9-aaaaaaaaaaaaaaaaaaaaa').id).toBe('c1');
      expect(set.ownerOf('aaaaaaaaaaaaaaaaaaaaa').id).toBe('c1');
      expect(set.othersFor('c2-aaaaaaaaaaaaaaaaaaaaa').map((e) => e.id)).toEqual(['c1', 'c3']);
      // a file log's tx: its coordinator alone knows it
      expect(set.othersFor('aaaaaaaaaaaaaaaaaaaaa')).toEqual([]);
      set.markDown(set.entries[2]!);
      expect(set.othersFor('c2-aaaaaaaaaaaaaaaaaaaaa').map((e) => e.id)).toEqual(['c1']);
    } finally {
      set.close();
    }
    const one = new CoordinatorSet([{ id: '', address: '127.0.0.1:1' }], grpc.credentials.createInsecure());
    try {
      expect(one.othersFor('c2-aaaaaaaaaaaaaaaaaaaaa')).toEqual([]);
    } finally {
      one.close();
    }
  });

  it("a tx's own coordinator is asked again while it is unreachable, for the whole grace, before its failure is given up on", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const settled = atOwnerWithinGrace(() => {
      calls++;
      return Promise.reject(new UnavailableError('connection refused'));
    }).then(
      () => 'answered',
      (err: unknown) => err,
    );
    let done = false;
    void settled.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(limits.sdkOwnerUnreachableGraceMs - 500);
    // still asking it, well into the grace
    expect(done).toBe(false);
    expect(calls).toBeGreaterThan(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await settled).toBeInstanceOf(UnavailableError);
    // one that comes back within the grace answers
    let attempts = 0;
    const back = atOwnerWithinGrace(() => (++attempts < 3 ? Promise.reject(new UnavailableError('restarting')) : Promise.resolve('committed')));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await back).toBe('committed');
    // a failure that is an answer is not retried
    let once = 0;
    await expect(
      atOwnerWithinGrace(() => {
        once++;
        return Promise.reject(new InvalidArgumentError('bad tx id'));
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(once).toBe(1);
  });

  it('the client refuses options that do not name its coordinators exactly once', () => {
    expect(() => new TwoPhaseClient({})).toThrow(InvalidArgumentError);
    expect(() => new TwoPhaseClient({ coordinator: '127.0.0.1:1', coordinators: three })).toThrow(/exactly one of coordinator/);
    expect(() => new TwoPhaseClient({ coordinators: [] })).toThrow(/coordinators is empty/);
    expect(() => new TwoPhaseClient({ coordinators: [three[0]!, three[0]!] })).toThrow(/c1 is given twice/);
    expect(() => new TwoPhaseClient({ coordinators: [{ id: 'no spaces', address: '127.0.0.1:1' }] })).toThrow(/coordinator id "no spaces"/);
    expect(() => new TwoPhaseClient({ coordinators: [{ id: 'c1', address: '' }] })).toThrow(/c1 has no address/);
    new TwoPhaseClient({ coordinators: three }).close();
  });
});
