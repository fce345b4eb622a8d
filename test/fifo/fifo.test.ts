import { describe, expect, it } from 'vitest';
import { Fifo } from '../../lib/fifo/fifo.js';

describe('Fifo', () => {
  it('gives items back in the order they came, across compactions', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift() ?? -1);
    }
    expect(q.size).toBe(5_000 - out.length);
    for (let item = q.shift(); item !== undefined; item = q.shift()) out.push(item);
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('drains what is left, oldest first, and is empty after', () => {
    const q = new Fifo<string>();
    for (const s of ['a', 'b', 'c']) q.push(s);
    q.shift();
    expect(q.drain()).toEqual(['b', 'c']);
    expect(q.size).toBe(0);
    q.push('d');
    expect(q.shift()).toBe('d');
  });

  it('shifts 100,000 items in linear time', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 100_000; i++) q.push(i);
    const started = performance.now();
    let sum = 0;
    for (let item = q.shift(); item !== undefined; item = q.shift()) sum += item;
    expect(sum).toBe((100_000 * 99_999) / 2);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
