import { describe, expect, it } from 'vitest';
import { GroupSync } from '../../lib/group-sync/group-sync.js';

/** A flush that stays in flight until released, recording when each one started. */
function controlledFlush(): { flush: (key: string) => Promise<void>; started: string[]; release: () => void } {
  const started: string[] = [];
  let releases: (() => void)[] = [];
  return {
    started,
    flush: (key) =>
      new Promise<void>((resolve) => {
        started.push(key);
        releases.push(resolve);
      }),
    release: () => {
      const now = releases;
      releases = [];
      for (const r of now) r();
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupSync', () => {
  it('callers arriving while a flush is in flight share one flush that starts after it', async () => {
    const f = controlledFlush();
    const sync = new GroupSync(f.flush);
    const answered: string[] = [];
    const first = sync.sync('d').then(() => answered.push('first'));
    const later = [1, 2, 3].map((n) => sync.sync('d').then(() => answered.push(`later${n}`)));
    await settle();
    expect(f.started).toEqual(['d']);

    f.release();
    await first;
    await settle();
    // the three later callers are not answered by the flush that began before they called
    expect(answered).toEqual(['first']);
    expect(f.started).toEqual(['d', 'd']);

    f.release();
    await Promise.all(later);
    expect(answered).toEqual(['first', 'later1', 'later2', 'later3']);
    expect(sync.runs).toBe(2);
  });

  it('different keys flush independently, and an idle key starts a new flush at once', async () => {
    const f = controlledFlush();
    const sync = new GroupSync(f.flush);
    const a = sync.sync('a');
    const b = sync.sync('b');
    await settle();
    expect(f.started).toEqual(['a', 'b']);
    f.release();
    await Promise.all([a, b]);
    const again = sync.sync('a');
    await settle();
    expect(f.started).toEqual(['a', 'b', 'a']);
    f.release();
    await again;
  });

  it('a failed flush rejects the callers it answers; the next caller starts a new one', async () => {
    let fail = true;
    const sync = new GroupSync(() => (fail ? Promise.reject(new Error('EIO')) : Promise.resolve()));
    await expect(sync.sync('d')).rejects.toThrow('EIO');
    fail = false;
    await expect(sync.sync('d')).resolves.toBeUndefined();
  });

  it('a run is told the tags of every caller it answers, and only theirs', async () => {
    const runs: { key: string; tags: readonly string[] }[] = [];
    const releases: (() => void)[] = [];
    const sync = new GroupSync(
      (key, tags) =>
        new Promise<void>((resolve) => {
          runs.push({ key, tags });
          releases.push(resolve);
        }),
    );
    const first = sync.sync('d', 'prepare');
    const queued = [sync.sync('d', 'abort'), sync.sync('d', 'prepare'), sync.sync('d', 'sweep')];
    await settle();
    releases.splice(0).forEach((r) => r());
    await first;
    await settle();
    releases.splice(0).forEach((r) => r());
    await Promise.all(queued);
    expect(runs).toEqual([
      { key: 'd', tags: ['prepare'] },
      { key: 'd', tags: ['abort', 'prepare', 'sweep'] },
    ]);
  });
});
