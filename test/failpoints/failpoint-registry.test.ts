import { afterEach, describe, expect, it, vi } from 'vitest';
import { AssertionError } from '../../lib/assert/assert.js';
import {
  FailpointError,
  FailpointRegistry,
  FailpointSpecError,
  UnknownFailpointError,
} from '../../lib/failpoints/failpoints.js';

/** A random source that replays `values`, then fails the test if asked for more. */
function replay(...values: number[]): () => number {
  return () => {
    const next = values.shift();
    if (next === undefined) throw new Error('random source exhausted');
    return next;
  };
}

/** Hits `count` times and reports which hits (1-based) injected an error. */
function erroringHits(hit: () => unknown, count: number): number[] {
  const fired: number[] = [];
  for (let i = 1; i <= count; i++) {
    try {
      expect(hit()).toBeUndefined();
    } catch (error) {
      expect(error).toBeInstanceOf(FailpointError);
      fired.push(i);
    }
  }
  return fired;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('FailpointRegistry', () => {
  it('an unarmed failpoint returns undefined synchronously from hit()', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('coordinator.log.before-sync', 'before the fdatasync');

    expect(fp.hit()).toBeUndefined();
    registry.armSpec('coordinator.log.before-sync=error');
    registry.disarmAll();
    expect(fp.hit()).toBeUndefined();
  });

  it('"off" disarms a failpoint that was armed', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error');
    registry.armSpec('x=off');

    expect(fp.hit()).toBeUndefined();
  });

  it('error throws FailpointError naming the failpoint, on every hit', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('participant.blob.prepare', 'before the manifest fsync');
    registry.armSpec('participant.blob.prepare=error');

    for (let i = 0; i < 3; i++) {
      expect(() => fp.hit()).toThrow(FailpointError);
    }
    try {
      fp.hit();
    } catch (error) {
      expect(error).toMatchObject({ failpoint: 'participant.blob.prepare' });
      expect(String(error)).toContain('participant.blob.prepare');
    }
  });

  it('an error hit rejects the awaiting async function', async () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error');

    const step = async (): Promise<string> => {
      await fp.hit();
      return 'done';
    };
    await expect(step()).rejects.toBeInstanceOf(FailpointError);
  });

  it('delay(ms) resolves only once ms have passed', async () => {
    vi.useFakeTimers();
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=delay(200)');

    let resolved = false;
    const hit = fp.hit();
    expect(hit).toBeInstanceOf(Promise);
    void hit?.then(() => (resolved = true));

    await vi.advanceTimersByTimeAsync(199);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
  });

  it('hang never resolves', async () => {
    vi.useFakeTimers();
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=hang');

    let settled = false;
    void fp.hit()?.then(
      () => (settled = true),
      () => (settled = true),
    );
    await vi.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
    expect(settled).toBe(false);
  });

  it('@n fires on the nth hit after arming only', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error@3');

    expect(erroringHits(() => fp.hit(), 6)).toEqual([3]);
  });

  it('re-arming restarts the hit count of @n', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error@2');
    expect(fp.hit()).toBeUndefined();

    registry.armSpec('x=error@2');
    expect(erroringHits(() => fp.hit(), 3)).toEqual([2]);
  });

  it('%p fires exactly on the hits whose random draw is below p/100', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error%25', { random: replay(0.1, 0.3, 0.2499, 0.25, 0, 0.99) });

    expect(erroringHits(() => fp.hit(), 6)).toEqual([1, 3, 5]);
  });

  it('%100 fires on every hit', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=error%100', { random: replay(0, 0.5, 0.999999) });

    expect(erroringHits(() => fp.hit(), 3)).toEqual([1, 2, 3]);
  });

  it('crash calls the crash hook on the hit that fires and never resolves', async () => {
    vi.useFakeTimers();
    const crash = vi.fn();
    const registry = new FailpointRegistry({ crash });
    const fp = registry.define('x', 'test point');
    registry.armSpec('x=crash@2');

    expect(fp.hit()).toBeUndefined();
    expect(crash).not.toHaveBeenCalled();
    let settled = false;
    void fp.hit()?.then(() => (settled = true));
    expect(crash).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
  });

  it('a spec armed before its failpoint is defined applies at definition', () => {
    const registry = new FailpointRegistry();
    registry.armSpec('later.point=error');
    const fp = registry.define('later.point', 'defined after arming');

    expect(() => fp.hit()).toThrow(FailpointError);
    expect(() => registry.validateArmed()).not.toThrow();
  });

  it('validateArmed throws UnknownFailpointError listing every armed name nobody defined', () => {
    const registry = new FailpointRegistry();
    registry.define('coordinator.log.before-sync', 'before the fdatasync');
    registry.armSpec('coordinator.log.before-sycn=crash,coordinator.log.before-sync=error,zz.typo=off');

    expect(() => registry.validateArmed()).toThrow(UnknownFailpointError);
    try {
      registry.validateArmed();
    } catch (error) {
      expect(error).toMatchObject({ names: ['coordinator.log.before-sycn', 'zz.typo'] });
      expect(String(error)).toContain('coordinator.log.before-sycn, zz.typo');
    }
  });

  it('disarmAll forgets unknown armed names too', () => {
    const registry = new FailpointRegistry();
    registry.armSpec('nobody.defines-this=crash');
    registry.disarmAll();

    expect(() => registry.validateArmed()).not.toThrow();
  });

  it('defining the same name twice fails an assertion', () => {
    const registry = new FailpointRegistry();
    registry.define('x', 'first');

    expect(() => registry.define('x', 'second')).toThrow(AssertionError);
    expect(() => registry.define('x', 'second')).toThrow(/failpoint x is defined once/);
  });

  it('defining a name outside the grammar fails an assertion', () => {
    const registry = new FailpointRegistry();

    expect(() => registry.define('Coordinator.Log', 'bad case')).toThrow(AssertionError);
    expect(() => registry.define('a=b', 'bad character')).toThrow(AssertionError);
  });

  it('listFailpoints lists every defined failpoint with its description, sorted by name', () => {
    const registry = new FailpointRegistry();
    registry.define('participant.blob.prepare', 'before the manifest fsync');
    registry.define('coordinator.log.after-sync', 'after the decision is durable');

    expect(registry.list()).toEqual([
      { name: 'coordinator.log.after-sync', description: 'after the decision is durable' },
      { name: 'participant.blob.prepare', description: 'before the manifest fsync' },
    ]);
  });

  it('arm checks a hand-built action like a parsed one', () => {
    const registry = new FailpointRegistry();

    expect(() => registry.arm('x', { kind: 'delay', ms: -1 })).toThrow(FailpointSpecError);
    expect(() => registry.arm('x', { kind: 'error', trigger: { kind: 'nth', n: 0 } })).toThrow(
      /x=error@0/,
    );
    expect(() => registry.arm('x', { kind: 'crash', trigger: { kind: 'probability', percent: 101 } })).toThrow(
      FailpointSpecError,
    );
    expect(() => registry.arm('Bad Name', { kind: 'crash' })).toThrow(FailpointSpecError);
  });

  it('armSpec is all or nothing: a bad item arms none of the items before it', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');

    expect(() => registry.armSpec('x=error,y=explode')).toThrow(FailpointSpecError);
    expect(fp.hit()).toBeUndefined();
  });

  it('armFromEnv arms TWOPHASE_FAILPOINTS and ignores an unset or blank variable', () => {
    const registry = new FailpointRegistry();
    const fp = registry.define('x', 'test point');

    expect(registry.armFromEnv({})).toEqual([]);
    expect(registry.armFromEnv({ TWOPHASE_FAILPOINTS: '  ' })).toEqual([]);
    expect(fp.hit()).toBeUndefined();
    expect(registry.armFromEnv({ TWOPHASE_FAILPOINTS: 'x=error@1' })).toEqual([
      { name: 'x', action: { kind: 'error', trigger: { kind: 'nth', n: 1 } } },
    ]);
    expect(() => fp.hit()).toThrow(FailpointError);
  });
});
