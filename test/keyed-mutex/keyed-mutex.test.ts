import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../lib/keyed-mutex/keyed-mutex.js';
import { KeyQueueFullError } from '../../lib/keyed-mutex/key-queue-full-error.js';
import { KeyWaitAbandonedError } from '../../lib/keyed-mutex/key-wait-abandoned-error.js';

/** A section that runs until `release` is called. */
function held(): { section: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { section: () => done, release };
}

const settled = <T>(p: Promise<T>): Promise<{ ok: T } | { err: unknown }> => p.then((ok) => ({ ok }), (err: unknown) => ({ err }));

describe('KeyedMutex', () => {
  it('runs the sections of one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex(8);
    const order: string[] = [];
    const first = held();
    const a = mutex.run('tx', async () => {
      order.push('a start');
      await first.section();
      order.push('a end');
    });
    const b = mutex.run('tx', async () => void order.push('b'));
    const c = mutex.run('tx', async () => void order.push('c'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['a start']);
    first.release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a start', 'a end', 'b', 'c']);
    expect(mutex.size).toBe(0);
  });

  it('bounds the sections waiting for one key: past waitersPerKeyMax a call fails fast with KeyQueueFullError and never runs', async () => {
    const mutex = new KeyedMutex(2);
    const hung = held();
    const running = mutex.run('tx', hung.section);
    const waiting = [mutex.run('tx', async () => 'w1'), mutex.run('tx', async () => 'w2')];
    let ran = false;
    const refused = await settled(mutex.run('tx', async () => void (ran = true)));
    expect(refused).toMatchObject({ err: expect.any(KeyQueueFullError) });
    // other keys are not affected
    expect(await mutex.run('other', async () => 'free')).toBe('free');
    hung.release();
    await running;
    expect(await Promise.all(waiting)).toEqual(['w1', 'w2']);
    expect(ran).toBe(false);
  });

  it('a waiter whose deadline passes leaves the queue at once, and its section never runs', async () => {
    const mutex = new KeyedMutex(1);
    const hung = held();
    const running = mutex.run('tx', hung.section);
    let ran = false;
    const late = settled(mutex.run('tx', async () => void (ran = true), { deadlineMs: Date.now() + 20 }));
    expect(mutex.waiting('tx')).toBe(1);
    expect(await late).toMatchObject({ err: expect.objectContaining({ name: 'KeyWaitAbandonedError', why: 'deadline' }) });
    // its place is free again while the section still hangs: a retry is queued, not refused
    expect(mutex.waiting('tx')).toBe(0);
    const retry = mutex.run('tx', async () => 'retried');
    hung.release();
    await running;
    expect(await retry).toBe('retried');
    expect(ran).toBe(false);
  });

  it('a cancelled waiter leaves the queue at once; one already past its deadline is not queued', async () => {
    const mutex = new KeyedMutex(4);
    const hung = held();
    const running = mutex.run('tx', hung.section);
    const cancel = new AbortController();
    const cancelled = settled(mutex.run('tx', async () => 'ran', { signal: cancel.signal }));
    const after = mutex.run('tx', async () => 'after');
    expect(mutex.waiting('tx')).toBe(2);
    cancel.abort();
    expect(await cancelled).toMatchObject({ err: expect.any(KeyWaitAbandonedError) });
    expect(mutex.waiting('tx')).toBe(1);
    expect(await settled(mutex.run('tx', async () => 'ran', { deadlineMs: Date.now() - 1 }))).toMatchObject({ err: expect.any(KeyWaitAbandonedError) });
    hung.release();
    await running;
    expect(await after).toBe('after');
    expect(mutex.size).toBe(0);
  });
});
