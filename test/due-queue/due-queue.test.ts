import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../lib/due-queue/due-queue.js';
import { Prng } from '../../lib/prng/prng.js';

describe('DueQueue', () => {
  it('takes what is due at or before now, earliest first, and leaves the rest', () => {
    const q = new DueQueue<string>();
    q.set('c', 30);
    q.set('a', 10);
    q.set('b', 20);
    expect(q.takeDue(20)).toEqual(['a', 'b']);
    expect(q.takeDue(29)).toEqual([]);
    expect(q.size).toBe(1);
    expect(q.takeDue(30)).toEqual(['c']);
    expect(q.size).toBe(0);
  });

  it('holds one time per key: setting it again moves the key, undefined or delete removes it', () => {
    const q = new DueQueue<string>();
    q.set('a', 10);
    q.set('b', 20);
    q.set('a', 30);
    expect(q.size).toBe(2);
    expect(q.atMsOf('a')).toBe(30);
    expect(q.takeDue(25)).toEqual(['b']);
    q.set('a', undefined);
    q.delete('missing');
    expect(q.has('a')).toBe(false);
    expect(q.takeDue(100)).toEqual([]);
  });

  it('gives keys due at the same time in the order their time was set', () => {
    const q = new DueQueue<string>();
    for (const key of ['x', 'y', 'z', 'w']) q.set(key, 5);
    q.set('y', 5);
    q.set('x', 6);
    q.set('x', 5);
    expect(q.takeDue(5)).toEqual(['y', 'z', 'w', 'x']);
  });

  it('agrees with a sorted list under random sets, deletes and takes', () => {
    const rng = new Prng(7);
    const q = new DueQueue<number>();
    const model = new Map<number, { atMs: number; seq: number }>();
    let seq = 0;
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      const key = rng.int(0, 200);
      const roll = rng.int(0, 10);
      if (roll < 6) {
        const atMs = now + rng.int(0, 100);
        if (model.get(key)?.atMs !== atMs) model.set(key, { atMs, seq: seq++ });
        q.set(key, atMs);
      } else if (roll < 8) {
        model.delete(key);
        q.delete(key);
      } else {
        now += rng.int(0, 30);
        const expected = [...model]
          .filter(([, e]) => e.atMs <= now)
          .sort(([, a], [, b]) => a.atMs - b.atMs || a.seq - b.seq)
          .map(([k]) => k);
        for (const k of expected) model.delete(k);
        expect(q.takeDue(now)).toEqual(expected);
      }
      expect(q.size).toBe(model.size);
    }
  });
});
