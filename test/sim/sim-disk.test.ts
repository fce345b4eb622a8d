import { describe, expect, it } from 'vitest';
import type { FileSystem, SyncSite } from '../../lib/fs/file-system.js';
import { StepAgenda } from '../support/step-agenda.js';
import { SimDisk, SimViewKilledError } from './sim-disk.js';
import { SimWorld } from './sim-world.js';

/** A disk over a fresh agenda, with `/d` durably there, and one process's view of it. */
function setUp(seed = 1): { agenda: StepAgenda; disk: SimDisk; fs: FileSystem; run: <T>(p: Promise<T>) => Promise<T> } {
  const agenda = new StepAgenda(seed);
  const disk = new SimDisk(agenda);
  const fs = disk.view();
  const run = <T>(p: Promise<T>): Promise<T> => agenda.until(p);
  return { agenda, disk, fs, run };
}

async function durableDir(s: ReturnType<typeof setUp>, dir = '/d'): Promise<void> {
  await s.run(s.fs.mkdir(dir, { recursive: true }));
  s.disk.syncEverything();
}

/** Creates `file` with `text`: bytes datasynced, name not synced. */
async function createSynced(s: ReturnType<typeof setUp>, file: string, text: string): Promise<void> {
  const handle = await s.run(s.fs.open(file, 'wx'));
  const bytes = Buffer.from(text);
  await s.run(handle.write(bytes, 0, bytes.length, 0));
  await s.run(handle.datasync('test.file'));
  await s.run(handle.close());
}

async function syncDir(s: ReturnType<typeof setUp>, dir: string, site: SyncSite = 'test.dir', fs = s.fs): Promise<void> {
  const handle = await s.run(fs.open(dir, 'r'));
  await s.run(handle.sync(site));
  await s.run(handle.close());
}

/** The content of `file` as a fresh process reads it, or undefined if it is not there. */
async function readAfter(s: ReturnType<typeof setUp>, file: string): Promise<string | undefined> {
  const fs = s.disk.view();
  return s.run(fs.readFile(file, 'utf8')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

describe('SimDisk', () => {
  it('a write is visible at once and lost on power loss until the file is synced', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/f', 'synced');
    await syncDir(s, '/d');
    const handle = await s.run(s.fs.open('/d/f', 'r+'));
    await s.run(handle.write(Buffer.from(' and more'), 0, 9, 6));
    expect(await s.run(s.fs.readFile('/d/f', 'utf8'))).toBe('synced and more');

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBe('synced');
  });

  it('a synced file whose directory entry was not synced is lost on power loss', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/f', 'bytes');

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBeUndefined();
  });

  it('a synced directory entry of a file never synced survives as an empty file', async () => {
    const s = setUp();
    await durableDir(s);
    await s.run(s.fs.writeFile('/d/f', 'unsynced bytes'));
    await syncDir(s, '/d');

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBe('');
  });

  it('a rename is not durable until its directory is synced', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/a', 'x');
    await syncDir(s, '/d');
    s.fs.renameSync('/d/a', '/d/b');
    expect(s.fs.statSync('/d/a', { throwIfNoEntry: false })).toBeUndefined();

    s.disk.powerLoss();
    expect(await readAfter(s, '/d/a')).toBe('x');
    expect(await readAfter(s, '/d/b')).toBeUndefined();

    const again = s.disk.view();
    again.renameSync('/d/a', '/d/b');
    await syncDir(s, '/d', 'test.dir', again);
    s.disk.powerLoss();
    expect(await readAfter(s, '/d/a')).toBeUndefined();
    expect(await readAfter(s, '/d/b')).toBe('x');
  });

  it('an unlink is undone by a power loss before its directory is synced', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/f', 'kept');
    await syncDir(s, '/d');
    await s.run(s.fs.unlink('/d/f'));

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBe('kept');
  });

  it('a directory that mkdir created is durable only once its parent is synced', async () => {
    const s = setUp();
    await durableDir(s);
    expect(await s.run(s.fs.mkdir('/d/x/y', { recursive: true }))).toBe('/d/x');
    expect(await s.run(s.fs.mkdir('/d/x/y', { recursive: true }))).toBeUndefined();
    await syncDir(s, '/d/x');

    s.disk.powerLoss();

    const fs = s.disk.view();
    expect(fs.statSync('/d/x', { throwIfNoEntry: false })).toBeUndefined();
  });

  it('hard links share the file, and a link is durable once its directory is synced', async () => {
    const s = setUp();
    await durableDir(s);
    await durableDir(s, '/e');
    await createSynced(s, '/d/f', 'shared');
    await syncDir(s, '/d');
    s.fs.linkSync('/d/f', '/e/g');
    await s.run(s.fs.link('/d/f', '/d/h'));
    expect(() => s.fs.linkSync('/d/f', '/e/g')).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    const handle = await s.run(s.fs.open('/e/g', 'r+'));
    await s.run(handle.write(Buffer.from('S'), 0, 1, 0));
    await s.run(handle.datasync('test.file'));
    expect(await s.run(s.fs.readFile('/d/f', 'utf8'))).toBe('Shared');
    await syncDir(s, '/e');

    s.disk.powerLoss();

    expect(await readAfter(s, '/e/g')).toBe('Shared');
    expect(await readAfter(s, '/d/f')).toBe('Shared');
    expect(await readAfter(s, '/d/h')).toBeUndefined();
  });

  it('a sync at an ignored site succeeds and makes nothing durable; a call for several sites needs all ignored', async () => {
    const s = setUp();
    await durableDir(s);
    s.disk.ignoreSyncs(['test.ignored']);
    await createSynced(s, '/d/f', 'x');
    await syncDir(s, '/d', 'test.ignored');
    expect(s.disk.syncCalls('test.ignored')).toBe(1);

    s.disk.powerLoss();
    expect(await readAfter(s, '/d/f')).toBeUndefined();

    const fs = s.disk.view();
    const file = await s.run(fs.open('/d/g', 'wx'));
    await s.run(file.write(Buffer.from('y'), 0, 1, 0));
    await s.run(file.datasync('test.ignored'));
    await syncDir(s, '/d', 'test.heeded', fs);
    s.disk.powerLoss();
    expect(await readAfter(s, '/d/g')).toBe('');

    const again = s.disk.view();
    await s.run(again.writeFile('/d/h', 'z'));
    await syncDir(s, '/d', ['test.ignored', 'test.heeded'], again);
    s.disk.powerLoss();
    expect(await readAfter(s, '/d/h')).toBe('');
    expect(s.disk.syncCalls('test.heeded')).toBe(2);
  });

  it('a sync makes durable what was there when it was issued, not what is written while it runs', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/f', 'a');
    await syncDir(s, '/d');
    const handle = await s.run(s.fs.open('/d/f', 'r+'));
    await s.run(handle.write(Buffer.from('b'), 0, 1, 1));
    const syncing = handle.datasync('test.file');
    const writing = handle.write(Buffer.from('c'), 0, 1, 2);
    await s.run(Promise.all([syncing, writing]));
    expect(await s.run(s.fs.readFile('/d/f', 'utf8'))).toBe('abc');

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBe('ab');
  });

  it('an older sync finishing after a newer one does not take back what the newer one made durable', async () => {
    const s = setUp(7);
    await durableDir(s);
    await createSynced(s, '/d/f', '');
    await syncDir(s, '/d');
    const handle = await s.run(s.fs.open('/d/f', 'r+'));
    const syncs: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      await s.run(handle.write(Buffer.from(String(i % 10)), 0, 1, i));
      syncs.push(handle.datasync('test.file'));
    }
    await s.run(Promise.all(syncs));

    s.disk.powerLoss();

    expect(await readAfter(s, '/d/f')).toBe('01234567890123456789');
  });

  it("a killed view's operations never settle, and what it did stays in the page cache", async () => {
    const s = setUp();
    await durableDir(s);
    const victim = s.disk.view();
    await s.run(victim.writeFile('/d/done', 'done'));
    const inFlight = victim.writeFile('/d/in-flight', 'maybe');
    let settled = false;
    void inFlight.then(
      () => (settled = true),
      () => (settled = true),
    );

    victim.kill('lost');

    const later = victim.readFile('/d/done', 'utf8');
    void later.then(
      () => (settled = true),
      () => (settled = true),
    );
    await s.agenda.drain();
    expect(settled).toBe(false);
    expect(() => victim.statSync('/d/done', { throwIfNoEntry: false })).toThrow(SimViewKilledError);
    expect(await readAfter(s, '/d/done')).toBe('done');
    expect(await readAfter(s, '/d/in-flight')).toBeUndefined();
  });

  it("a killed view's operations in flight take effect when their fate is done", async () => {
    const s = setUp();
    await durableDir(s);
    const victim = s.disk.view();
    void victim.writeFile('/d/f', 'landed');
    victim.kill('done');
    expect(await readAfter(s, '/d/f')).toBe('landed');
  });

  it('a power loss may keep a torn tail: a prefix of the bytes appended since the last sync, the same for the same seed', async () => {
    const tails = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const s = setUp(seed);
      await durableDir(s);
      await createSynced(s, '/d/log', 'head|');
      await syncDir(s, '/d');
      const handle = await s.run(s.fs.open('/d/log', 'r+'));
      const tail = Buffer.from('0123456789abcdef');
      await s.run(handle.write(tail, 0, tail.length, 5));

      s.disk.powerLoss({ tornTails: true });

      const survived = (await readAfter(s, '/d/log')) ?? '';
      expect(`head|${tail.toString()}`.startsWith(survived)).toBe(true);
      expect(survived.startsWith('head|')).toBe(true);
      tails.add(survived);
    }
    expect(tails.size).toBeGreaterThan(1);

    const replay = async (): Promise<string | undefined> => {
      const s = setUp(3);
      await durableDir(s);
      await createSynced(s, '/d/log', 'head|');
      await syncDir(s, '/d');
      const handle = await s.run(s.fs.open('/d/log', 'r+'));
      await s.run(handle.write(Buffer.from('0123456789abcdef'), 0, 16, 5));
      s.disk.powerLoss({ tornTails: true });
      return readAfter(s, '/d/log');
    };
    expect(await replay()).toBe(await replay());
  });

  it('a power loss may keep unsynced directory entries the kernel wrote back on its own', async () => {
    const s = setUp();
    await durableDir(s);
    await s.run(s.fs.writeFile('/d/kept', 'k'));
    await s.run(s.fs.writeFile('/d/lost', 'l'));

    s.disk.powerLoss({ writeBack: (dir, name) => dir === '/d' && name === 'kept' });

    const fs = s.disk.view();
    expect(fs.statSync('/d/kept', { throwIfNoEntry: false })?.size).toBe(0);
    expect(fs.statSync('/d/lost', { throwIfNoEntry: false })).toBeUndefined();
  });

  it("errors carry node's codes", async () => {
    const s = setUp();
    await durableDir(s);
    await s.run(s.fs.writeFile('/d/f', 'x'));
    const code = (p: Promise<unknown>) => s.run(p).then(
      () => 'ok',
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(await code(s.fs.open('/d/missing', 'r'))).toBe('ENOENT');
    expect(await code(s.fs.open('/d/f', 'wx'))).toBe('EEXIST');
    expect(await code(s.fs.open('/d/nodir/f', 'wx'))).toBe('ENOENT');
    expect(await code(s.fs.readdir('/d/f'))).toBe('ENOTDIR');
    expect(await code(s.fs.open('/d', 'r+'))).toBe('EISDIR');
    expect(await code(s.fs.unlink('/d/missing'))).toBe('ENOENT');
    expect(await code(s.fs.rm('/d/missing', { force: true }))).toBe('ok');
    expect(await code(s.fs.link('/d', '/d/l'))).toBe('EPERM');
    expect(() => s.fs.unlinkSync('/d/missing')).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'unlink' }));
    expect(s.fs.statSync('/d/missing', { throwIfNoEntry: false })).toBeUndefined();
  });

  it('rm -r removes a directory and all in it; opendir lists entries with their kind', async () => {
    const s = setUp();
    await durableDir(s);
    await s.run(s.fs.mkdir('/d/sub', { recursive: true }));
    await s.run(s.fs.writeFile('/d/sub/a', 'a'));
    await s.run(s.fs.writeFile('/d/b', 'b'));
    const listed: string[] = [];
    for await (const entry of await s.run(s.fs.opendir('/d'))) listed.push(`${entry.name}${entry.isDirectory() ? '/' : ''}`);
    expect(listed).toEqual(['sub/', 'b']);

    await s.run(s.fs.rm('/d/sub', { recursive: true, force: true }));

    expect(await s.run(s.fs.readdir('/d'))).toEqual(['b']);
  });

  it('reads, stats and utimes see the page cache', async () => {
    const s = setUp();
    await durableDir(s);
    await s.run(s.fs.writeFile('/d/f', 'hello world'));
    const handle = await s.run(s.fs.open('/d/f', 'r'));
    const buffer = Buffer.alloc(5);
    expect(await s.run(handle.read(buffer, 0, 5, 6))).toEqual({ bytesRead: 5 });
    expect(buffer.toString()).toBe('world');
    expect(await s.run(handle.read(buffer, 0, 5, 11))).toEqual({ bytesRead: 0 });
    expect((await s.run(handle.stat())).size).toBe(11);
    await s.run(handle.close());
    expect(await s.run(handle.stat()).catch((err: NodeJS.ErrnoException) => err.code)).toBe('EBADF');
    s.fs.utimesSync('/d/f', new Date(5_000), new Date(5_000));
    expect((await s.run(s.fs.stat('/d/f'))).mtimeMs).toBe(5_000);
  });

  it('the same seed gives the same run, event for event', async () => {
    const trace = async (seed: number): Promise<string[]> => {
      const s = setUp(seed);
      await durableDir(s);
      const order: string[] = [];
      await s.run(
        Promise.all(
          ['a', 'b', 'c', 'd'].map((name) => s.fs.writeFile(`/d/${name}`, name).then(() => order.push(`${name}@${s.agenda.nowMs.toFixed(4)}`))),
        ),
      );
      return order;
    };
    expect(await trace(11)).toEqual(await trace(11));
    expect(await trace(11)).not.toEqual(await trace(12));
  });

  it('many appends, each synced, cost no copy of the file (copy-on-write snapshots)', async () => {
    const s = setUp();
    await durableDir(s);
    await createSynced(s, '/d/log', '');
    await syncDir(s, '/d');
    const handle = await s.run(s.fs.open('/d/log', 'r+'));
    const record = Buffer.alloc(1024, 7);
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) {
      await s.run(handle.write(record, 0, record.length, i * record.length));
      await s.run(handle.datasync('test.file'));
    }
    // generous: a copy per sync would move 2 GB
    expect(performance.now() - started).toBeLessThan(10_000);
    s.disk.powerLoss();
    expect((await s.run(s.disk.view().stat('/d/log'))).size).toBe(2_000 * 1024);
  });

  it("the simulator's SimWorld drives it: an operation completes in the event its delay schedules", async () => {
    const world = new SimWorld(5, undefined);
    const disk = new SimDisk(world, { opDelayMs: [1, 2] });
    const fs = disk.view();
    const written = fs.writeFile('/f', 'x');
    expect(fs.statSync('/f', { throwIfNoEntry: false })).toBeUndefined();
    world.run(10);
    await written;
    expect(fs.statSync('/f', { throwIfNoEntry: false })?.size).toBe(1);
    expect(world.nowMs).toBeGreaterThanOrEqual(1);
    expect(world.nowMs).toBeLessThan(2);
  });
});
