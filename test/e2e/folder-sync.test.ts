import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm, stat, unlink, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../support/cli-process.js';
import { DevSystem } from '../support/dev-system.js';
import { isConflictedCopy } from '../../sync/conflicted-copy-name.js';

/**
 * `twophase sync` as users run it: real sync processes on real folders against a whole
 * `twophase dev` system, through its HTTP gateway.
 */
let sys: DevSystem;
let scratch: string;

beforeAll(async () => {
  sys = await DevSystem.start();
  scratch = await mkdtemp(path.join(tmpdir(), 'twophase-sync-'));
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

let folders = 0;
async function newFolder(): Promise<string> {
  folders += 1;
  const dir = path.join(scratch, `f${folders}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const syncArgs = (dir: string, namespace: string, ...more: string[]): string[] => ['sync', dir, '--namespace', namespace, '--gateway', sys.http, '--host', 'testhost', ...more];

/** One `--once` pass; its log lines and exit code. */
async function once(dir: string, namespace: string, ...more: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const { code, stdout, stderr } = await runCli(syncArgs(dir, namespace, '--once', ...more), 120_000, { TWOPHASE_LOG_LEVEL: 'info' });
  return { code, lines: stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>), stderr };
}

/** Every synced file of a folder (its own state directory left out), path → content. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (at: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.name === '.twophase-sync') continue;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await visit(path.join(at, entry.name), rel);
      else out[rel] = await readFile(path.join(at, entry.name), 'utf8');
    }
  };
  await visit(dir, '');
  return out;
}

/** The namespace's live files on the server, path → content. */
async function server(namespace: string): Promise<Record<string, string>> {
  const list = (await (await fetch(`${sys.http}/v1/files/${namespace}?prefix=&pageSize=1000`)).json()) as { files: { path: string }[] };
  const out: Record<string, string> = {};
  for (const f of list.files) out[f.path] = await (await fetch(`${sys.http}/v1/files/${namespace}/${f.path.split('/').map(encodeURIComponent).join('/')}`)).text();
  return out;
}

const paths = (lines: Record<string, unknown>[], msg: string): string[] => lines.filter((l) => l.msg === msg).map((l) => String(l.path)).sort();

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('twophase sync', () => {
  it('--once: a folder goes up, another comes down the same; editor swap files stay local', async () => {
    const [a, b] = [await newFolder(), await newFolder()];
    await mkdir(path.join(a, 'docs/deep'), { recursive: true });
    await writeFile(path.join(a, 'readme.txt'), 'hello');
    await writeFile(path.join(a, 'docs/deep/plan.md'), '# plan');
    await writeFile(path.join(a, 'docs/.plan.md.swp'), 'swap');
    await writeFile(path.join(a, 'name with spaces & ü.txt'), 'odd name');
    const up = await once(a, 'sync-basic');
    expect(up.code, up.stderr).toBe(0);
    expect(paths(up.lines, 'uploaded')).toEqual(['docs/deep/plan.md', 'name with spaces & ü.txt', 'readme.txt']);
    const down = await once(b, 'sync-basic');
    expect(down.code, down.stderr).toBe(0);
    expect(paths(down.lines, 'downloaded')).toEqual(['docs/deep/plan.md', 'name with spaces & ü.txt', 'readme.txt']);
    expect(await tree(b)).toEqual({ 'docs/deep/plan.md': '# plan', 'name with spaces & ü.txt': 'odd name', 'readme.txt': 'hello' });
    expect(await server('sync-basic')).toEqual(await tree(b));
    // nothing more to do on either side
    expect(paths((await once(a, 'sync-basic')).lines, 'uploaded')).toEqual([]);
    expect(paths((await once(b, 'sync-basic')).lines, 'downloaded')).toEqual([]);
  });

  it('a client stopped, its folder edited, restarted: it uploads exactly the files changed meanwhile', async () => {
    const a = await newFolder();
    for (let i = 0; i < 20; i++) await writeFile(path.join(a, `f${i}.txt`), `v1 of ${i}`);
    expect((await once(a, 'sync-restart')).code).toBe(0);
    // a second pass makes sure the state holds trusted stats (files written within the racy window are read again once)
    await new Promise((r) => setTimeout(r, 2_100));
    await once(a, 'sync-restart');
    await writeFile(path.join(a, 'f3.txt'), 'v2 of 3');
    await appendFile(path.join(a, 'f7.txt'), ' and more');
    await writeFile(path.join(a, 'new.txt'), 'new');
    await unlink(path.join(a, 'f9.txt'));
    // touched, same bytes: not an edit
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(a, 'f11.txt'), later, later);
    const pass = await once(a, 'sync-restart');
    expect(pass.code, pass.stderr).toBe(0);
    expect(paths(pass.lines, 'uploaded')).toEqual(['f3.txt', 'f7.txt', 'new.txt']);
    expect(paths(pass.lines, 'deleted on the server')).toEqual(['f9.txt']);
    const onServer = await server('sync-restart');
    expect(onServer['f3.txt']).toBe('v2 of 3');
    expect(onServer['f7.txt']).toBe('v1 of 7 and more');
    expect(onServer['f9.txt']).toBeUndefined();
    expect(Object.keys(onServer).length).toBe(20);
  });

  it('both sides edit a file: both edits survive (the server revision as the file, the local edit as a conflicted copy, uploaded); the same edit on both sides is no conflict', async () => {
    const [a, b] = [await newFolder(), await newFolder()];
    await writeFile(path.join(a, 'report.txt'), 'base');
    await writeFile(path.join(a, 'same.txt'), 'base');
    await once(a, 'sync-conflict');
    await once(b, 'sync-conflict');
    await writeFile(path.join(a, 'report.txt'), 'edit from a');
    await writeFile(path.join(b, 'report.txt'), 'edit from b');
    await writeFile(path.join(a, 'same.txt'), 'same edit');
    await writeFile(path.join(b, 'same.txt'), 'same edit');
    expect((await once(a, 'sync-conflict')).code).toBe(0);
    const second = await once(b, 'sync-conflict');
    expect(second.code, second.stderr).toBe(0);
    const conflicts = second.lines.filter((l) => l.msg?.toString().startsWith('conflict'));
    expect(conflicts.map((l) => l.path)).toEqual(['report.txt']);
    await once(a, 'sync-conflict');
    const copyName = String(conflicts[0]?.conflictedCopy);
    expect(isConflictedCopy(copyName)).toBe(true);
    expect(copyName).toMatch(/^report \(conflicted copy testhost \d{4}-\d{2}-\d{2} \d{6}\)\.txt$/);
    const expected = { 'report.txt': 'edit from a', [copyName]: 'edit from b', 'same.txt': 'same edit' };
    expect(await tree(a)).toEqual(expected);
    expect(await tree(b)).toEqual(expected);
    expect(await server('sync-conflict')).toEqual(expected);
  });

  it('files of at least --resumable-min-bytes go up over tus, each committed by its last request with its condition; a conflict on one keeps both', async () => {
    const [a, b] = [await newFolder(), await newFolder()];
    const big = (tag: string): string => `${tag}\n`.repeat(400_000);
    await writeFile(path.join(a, 'big.txt'), big('v1'));
    await writeFile(path.join(a, 'small.txt'), 'small');
    const resumable = ['--resumable-min-bytes', String(1024 * 1024)];
    const first = await once(a, 'sync-tus', ...resumable);
    expect(first.code, first.stderr).toBe(0);
    expect(paths(first.lines, 'uploaded')).toEqual(['big.txt', 'small.txt']);
    // the upload sessions the gateway kept at the blob participant: one, for the big file, committed as revision 1
    const sessions = async (): Promise<{ path: string; revision: number; committed: boolean }[]> => {
      const dir = path.join(sys.dir, 'blob', 'uploads');
      const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
      const all = await Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { namespace: string; path: string; revision: number; committed: boolean }));
      return all.filter((r) => r.namespace === 'sync-tus').map((r) => ({ path: r.path, revision: r.revision, committed: r.committed }));
    };
    expect(await sessions()).toEqual([{ path: 'big.txt', revision: 1, committed: true }]);
    expect((await once(b, 'sync-tus', ...resumable)).code).toBe(0);
    // both sides edit the big file: the server's edit (b's, first) stays the file, a's becomes its conflicted copy, also over tus
    await writeFile(path.join(b, 'big.txt'), big('from b'));
    await writeFile(path.join(a, 'big.txt'), big('from a'));
    expect((await once(b, 'sync-tus', ...resumable)).code).toBe(0);
    const conflicted = await once(a, 'sync-tus', ...resumable);
    expect(conflicted.code, conflicted.stderr).toBe(0);
    const copyName = String(conflicted.lines.find((l) => l.msg?.toString().startsWith('conflict'))?.conflictedCopy);
    expect(copyName).toMatch(/^big \(conflicted copy testhost .*\)\.txt$/);
    const onServer = await server('sync-tus');
    expect(onServer['big.txt']).toBe(big('from b'));
    expect(onServer[copyName]).toBe(big('from a'));
    expect((await sessions()).map((r) => r.path).sort()).toEqual(['big.txt', 'big.txt', copyName].sort());
  });

  it('a delete against an edit loses: a local delete brings the server edit back, a server delete keeps the local edit as a conflicted copy', async () => {
    const [a, b] = [await newFolder(), await newFolder()];
    await writeFile(path.join(a, 'kept.txt'), 'base');
    await writeFile(path.join(a, 'edited-here.txt'), 'base');
    await once(a, 'sync-delete');
    await once(b, 'sync-delete');
    await unlink(path.join(a, 'kept.txt'));
    await writeFile(path.join(b, 'kept.txt'), 'edited in b');
    await writeFile(path.join(a, 'edited-here.txt'), 'edited in a');
    await unlink(path.join(b, 'edited-here.txt'));
    await once(b, 'sync-delete'); // uploads kept.txt's edit, deletes edited-here.txt on the server
    await once(a, 'sync-delete'); // its delete of kept.txt meets the edit; its edit meets the delete
    await once(b, 'sync-delete');
    const inA = await tree(a);
    expect(inA['kept.txt']).toBe('edited in b');
    expect(inA['edited-here.txt']).toBeUndefined();
    const copies = Object.keys(inA).filter(isConflictedCopy);
    expect(copies.length).toBe(1);
    expect(inA[copies[0]!]).toBe('edited in a');
    expect(await tree(b)).toEqual(inA);
    expect(await server('sync-delete')).toEqual(inA);
  });

  it('watching: two running clients and a writer on the HTTP API converge; a file written in steps is uploaded whole; SIGINT stops it cleanly with its state saved', async () => {
    const [a, b] = [await newFolder(), await newFolder()];
    const ns = 'sync-watch';
    const ca = new CliProcess(syncArgs(a, ns, '--debounce-ms', '300'));
    const cb = new CliProcess(syncArgs(b, ns, '--debounce-ms', '300'));
    try {
      await ca.waitForLine((l) => l.msg === 'sync started');
      await cb.waitForLine((l) => l.msg === 'sync started');
      await writeFile(path.join(a, 'from-a.txt'), 'a1');
      await until('from-a.txt reaches b', async () => (await readFile(path.join(b, 'from-a.txt'), 'utf8').catch(() => '')) === 'a1');
      await writeFile(path.join(b, 'from-a.txt'), 'b edits it');
      await until('the edit reaches a', async () => (await readFile(path.join(a, 'from-a.txt'), 'utf8').catch(() => '')) === 'b edits it');
      const put = await fetch(`${sys.http}/v1/files/${ns}/api/third.txt`, { method: 'PUT', body: 'from the API' });
      expect(put.status).toBe(201);
      await until('the API write reaches both', async () => (await readFile(path.join(a, 'api/third.txt'), 'utf8').catch(() => '')) === 'from the API' && (await readFile(path.join(b, 'api/third.txt'), 'utf8').catch(() => '')) === 'from the API');
      await unlink(path.join(a, 'api/third.txt'));
      await until('the delete reaches b', async () => (await stat(path.join(b, 'api/third.txt')).catch(() => undefined)) === undefined);
      // written in three steps, 100 ms apart (within the debounce): one upload, of the whole file
      const whole = Buffer.alloc(300_000, 7);
      await writeFile(path.join(a, 'big.bin'), whole.subarray(0, 100_000));
      await new Promise((r) => setTimeout(r, 100));
      await appendFile(path.join(a, 'big.bin'), whole.subarray(100_000, 200_000));
      await new Promise((r) => setTimeout(r, 100));
      await appendFile(path.join(a, 'big.bin'), whole.subarray(200_000));
      const digest = createHash('sha256').update(whole).digest('hex');
      await until('big.bin reaches b whole', async () => createHash('sha256').update(await readFile(path.join(b, 'big.bin')).catch(() => Buffer.alloc(0))).digest('hex') === digest);
      const history = (await (await fetch(`${sys.http}/v1/files/${ns}/big.bin?revisions`)).json()) as { revisions: { size: number | string }[] };
      expect(history.revisions.map((r) => Number(r.size))).toEqual([300_000]);
      expect(await tree(a)).toEqual(await tree(b));
    } finally {
      ca.kill('SIGINT');
      cb.kill('SIGINT');
    }
    expect((await ca.exited).code).toBe(0);
    expect((await cb.exited).code).toBe(0);
    expect(ca.lines.some((l) => l.msg === 'sync stopped')).toBe(true);
    const state = JSON.parse(await readFile(path.join(a, '.twophase-sync/state.json'), 'utf8')) as { files: Record<string, unknown>; cursor: number };
    expect(Object.keys(state.files).sort()).toEqual(['big.bin', 'from-a.txt']);
    expect(state.cursor).toBeGreaterThan(0);
  }, 120_000);

  it('refuses what it cannot do, with exit 2 and one line: no directory, no namespace, a bad gateway URL, a folder synced with another namespace', async () => {
    const a = await newFolder();
    const missing = await runCli(['sync', path.join(a, 'nope'), '--namespace', 'x', '--once']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a directory/);
    const noNamespace = await runCli(['sync', a, '--once'], 60_000, { TWOPHASE_SYNC_NAMESPACE: '' });
    expect(noNamespace.code).toBe(2);
    const badUrl = await runCli(['sync', a, '--namespace', 'x', '--gateway', 'ftp://h', '--once']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--gateway/);
    expect((await once(a, 'sync-owner-1')).code).toBe(0);
    const other = await once(a, 'sync-owner-2');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is synced with namespace "sync-owner-1"/);
  });
});
