import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Prng } from '../../lib/prng/prng.js';
import { isConflictedCopy } from '../../sync/conflicted-copy-name.js';
import { CliProcess } from '../support/cli-process.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * Two `twophase sync` clients on two folders of one namespace and a third writer on the
 * HTTP API, through random creates, edits, renames and deletes, while the coordinator and
 * a participant are SIGKILLed (and restarted by dev). Then it waits for quiet and checks:
 *
 * - convergence: both folders hold exactly the server's live files, byte for byte;
 * - nothing lost: every write ever made (each has unique content) is on the server, as a
 *   revision of some path (its own, where it was renamed to, or a conflicted copy); the
 *   only writes excused are those their own writer replaced or deleted while a kill was
 *   under way (they may never have reached a client that was cut off);
 * - no conflict without one: each writer also has private paths that no one else touches,
 *   and none of them may ever get a conflicted copy; shared paths are written by all three
 *   at once, some within milliseconds of each other.
 */
export interface SyncSoakOptions {
  readonly seed: number;
  /** Distinct paths the run uses: a quarter shared, the rest private to one of the three writers. */
  readonly files: number;
  /** Operations in all. */
  readonly ops: number;
  /** Pause between operations. */
  readonly opGapMs: number;
  /** Kills (the coordinator and one participant, alternately), spread over the run. */
  readonly kills: number;
  readonly log?: (line: string) => void;
}

export interface SyncSoakReport {
  readonly seed: number;
  readonly ops: Record<string, number>;
  readonly writes: number;
  readonly kills: string[];
  readonly convergedAfterMs: number;
  readonly serverFiles: number;
  readonly conflictedCopies: number;
  readonly conflictedCopiesOfPrivatePaths: string[];
  readonly lostWrites: string[];
  readonly excusedWrites: number;
  readonly diverged: string[];
  readonly violations: number;
}

type Actor = 'a' | 'b' | 'api';
const actors: readonly Actor[] = ['a', 'b', 'api'];
/** Two ops of one writer on one path are at least this far apart (an editor saves, then saves again). */
const sameWriterGapMs = 1_500;
const namespace = (seed: number): string => `soak-${seed}-${Date.now().toString(36)}`;

interface Write {
  readonly actor: Actor;
  readonly path: string;
  readonly sha256: string;
  readonly at: number;
  /** When the same writer next touched the path (replaced, deleted, renamed away), if it did. */
  supersededAt?: number;
}

export async function runSyncSoak(options: SyncSoakOptions): Promise<SyncSoakReport> {
  const say = options.log ?? (() => undefined);
  const prng = new Prng(options.seed);
  const ns = namespace(options.seed);
  const sys = await DevSystem.start(['--log-level', 'warn']);
  const scratch = await mkdtemp(path.join(tmpdir(), 'twophase-sync-soak-'));
  const folders: Record<'a' | 'b', string> = { a: path.join(scratch, 'a'), b: path.join(scratch, 'b') };
  await mkdir(folders.a);
  await mkdir(folders.b);
  const clients = (['a', 'b'] as const).map(
    (who) => new CliProcess(['sync', folders[who], '--namespace', ns, '--gateway', sys.http, '--host', `host-${who}`, '--debounce-ms', '200'], { TWOPHASE_LOG_LEVEL: 'info' }),
  );
  try {
    await Promise.all(clients.map((c) => c.waitForLine((l) => l.msg === 'sync started', 60_000)));

    const shared = Array.from({ length: Math.max(4, Math.floor(options.files / 4)) }, (_, i) => `shared/s${i}.txt`);
    const perActor = Math.max(4, Math.floor((options.files - shared.length) / 3));
    const privates: Record<Actor, string[]> = { a: [], b: [], api: [] };
    for (const actor of actors) for (let i = 0; i < perActor; i++) privates[actor].push(`${actor}-only/${i % 5 === 0 ? `sub${i % 3}/` : ''}p${i}.txt`);
    /** What each writer's private paths hold now (it alone changes them). */
    const privateLive: Record<Actor, Set<string>> = { a: new Set(), b: new Set(), api: new Set() };
    const lastTouch = new Map<string, number>();
    const writes: Write[] = [];
    const lastWrite = new Map<string, Write>();
    const counts: Record<string, number> = {};
    const killWindows: [number, number][] = [];
    const kills: string[] = [];

    const touch = (actor: Actor, p: string, at: number): void => {
      lastTouch.set(`${actor} ${p}`, at);
      const before = lastWrite.get(`${actor} ${p}`);
      if (before !== undefined && before.supersededAt === undefined) before.supersededAt = at;
    };
    const recent = (actor: Actor, p: string, now: number): boolean => now - (lastTouch.get(`${actor} ${p}`) ?? -Infinity) < sameWriterGapMs;
    const content = (actor: Actor, p: string, op: number): Buffer => Buffer.concat([Buffer.from(`${actor} wrote ${p} at op ${op}\n`), randomBytes(prng.int(0, 3) === 0 ? 20_000 : 200)]);
    const record = (actor: Actor, p: string, bytes: Buffer): void => {
      const at = Date.now();
      touch(actor, p, at);
      const w: Write = { actor, path: p, sha256: createHash('sha256').update(bytes).digest('hex'), at };
      writes.push(w);
      lastWrite.set(`${actor} ${p}`, w);
    };
    const url = (p: string): string => `${sys.http}/v1/files/${ns}/${p.split('/').map(encodeURIComponent).join('/')}`;

    const writeFileAs = async (actor: Actor, p: string, bytes: Buffer): Promise<void> => {
      if (actor === 'api') {
        for (let attempt = 0; ; attempt++) {
          const res = await fetch(url(p), { method: 'PUT', body: new Uint8Array(bytes) }).catch(() => undefined);
          if (res !== undefined && res.status < 300) break;
          await res?.body?.cancel();
          if (attempt > 50) throw new Error(`PUT ${p} kept failing (${res?.status ?? 'no answer'})`);
          await new Promise((r) => setTimeout(r, 200));
        }
      } else {
        const full = path.join(folders[actor], p);
        await mkdir(path.dirname(full), { recursive: true });
        await writeFile(full, bytes);
      }
      record(actor, p, bytes);
    };
    const deleteAs = async (actor: Actor, p: string): Promise<boolean> => {
      if (actor === 'api') {
        const res = await fetch(url(p), { method: 'DELETE' }).catch(() => undefined);
        await res?.body?.cancel();
        if (res === undefined || (res.status !== 200 && res.status !== 404)) return false;
      } else {
        try {
          await unlink(path.join(folders[actor], p));
        } catch {
          return false;
        }
      }
      touch(actor, p, Date.now());
      return true;
    };

    const killAt = new Set(Array.from({ length: options.kills }, (_, i) => Math.floor(((i + 1) * options.ops) / (options.kills + 1))));
    let killNo = 0;
    for (let op = 0; op < options.ops; op++) {
      if (killAt.has(op)) {
        const target = killNo % 2 === 0 ? 'coordinator' : prng.pick(['blob', 'metadata'] as const);
        killNo += 1;
        const start = Date.now();
        say(`[soak] op ${op}: SIGKILL ${target}`);
        // not awaited: the writers go on while it is down
        void sys.killAndAwaitRestart(target).then(
          () => killWindows.push([start, Date.now() + 5_000]),
          () => killWindows.push([start, Number.MAX_SAFE_INTEGER]),
        );
        kills.push(`${target} at op ${op}`);
      }
      const now = Date.now();
      const actor = prng.pick(actors);
      const roll = prng.next();
      let kind: string;
      if (roll < 0.35) {
        // shared: a write, sometimes two writers at once on the same file
        const p = prng.pick(shared);
        if (recent(actor, p, now)) continue;
        if (prng.chance(0.2)) {
          const other = prng.pick(actors.filter((x) => x !== actor));
          if (recent(other, p, now)) continue;
          kind = 'shared concurrent edit';
          await Promise.all([writeFileAs(actor, p, content(actor, p, op)), writeFileAs(other, p, content(other, p, op))]);
        } else if (prng.chance(0.15)) {
          kind = 'shared delete';
          if (!(await deleteAs(actor, p))) continue;
        } else {
          kind = 'shared edit';
          await writeFileAs(actor, p, content(actor, p, op));
        }
      } else {
        const mine = privates[actor];
        const live = [...privateLive[actor]].filter((p) => !recent(actor, p, now));
        const absent = mine.filter((p) => !privateLive[actor].has(p) && !recent(actor, p, now));
        if (roll < 0.6 || live.length === 0) {
          if (absent.length === 0) continue;
          const p = prng.pick(absent);
          kind = 'private create';
          await writeFileAs(actor, p, content(actor, p, op));
          privateLive[actor].add(p);
        } else if (roll < 0.8) {
          const p = prng.pick(live);
          kind = 'private edit';
          await writeFileAs(actor, p, content(actor, p, op));
        } else if (roll < 0.9 && absent.length > 0) {
          const from = prng.pick(live);
          const to = prng.pick(absent);
          kind = 'private rename';
          if (actor === 'api') {
            const res = await fetch(`${url(from)}:move`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ destination: { namespace: ns, path: to } }) }).catch(() => undefined);
            await res?.body?.cancel();
            if (res === undefined || res.status >= 300) continue;
          } else {
            await mkdir(path.dirname(path.join(folders[actor], to)), { recursive: true });
            await rename(path.join(folders[actor], from), path.join(folders[actor], to));
          }
          const t = Date.now();
          // the content moves: the write that made it must now survive at `to`
          const moved = lastWrite.get(`${actor} ${from}`);
          touch(actor, from, t);
          if (moved !== undefined) {
            moved.supersededAt = undefined;
            lastWrite.set(`${actor} ${to}`, moved);
          }
          lastTouch.set(`${actor} ${to}`, t);
          privateLive[actor].delete(from);
          privateLive[actor].add(to);
        } else {
          const p = prng.pick(live);
          kind = 'private delete';
          if (!(await deleteAs(actor, p))) continue;
          privateLive[actor].delete(p);
        }
      }
      counts[kind] = (counts[kind] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, options.opGapMs));
    }
    say(`[soak] ${options.ops} ops done (${JSON.stringify(counts)}); waiting for both folders to match the server`);

    // quiet: both folders equal the server, twice in a row a second apart
    const started = Date.now();
    let diverged: string[] = [];
    let agreed = 0;
    let serverNow = new Map<string, string>();
    while (Date.now() - started < 180_000) {
      serverNow = await serverFiles(sys.http, ns);
      const [inA, inB] = [await localFiles(folders.a), await localFiles(folders.b)];
      diverged = differences(serverNow, inA, 'a').concat(differences(serverNow, inB, 'b'));
      if (diverged.length === 0 && clients.every((c) => !c.lines.some((l) => l.level === 50 && l.msg !== undefined && String(l.msg).startsWith('cannot sync')))) {
        agreed += 1;
        if (agreed >= 2) break;
      } else agreed = 0;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const convergedAfterMs = Date.now() - started;

    // every write on the server, as a revision of some path
    const everyPath = new Set<string>([...serverNow.keys(), ...writes.map((w) => w.path), ...Object.values(privates).flat(), ...shared]);
    const onServer = new Set<string>();
    for (const p of everyPath) for (const sha of await historyShas(sys.http, ns, p)) onServer.add(sha);
    const inKill = (from: number, to: number): boolean => killWindows.some(([s, e]) => s <= to && e >= from);
    const lostWrites: string[] = [];
    let excused = 0;
    for (const w of writes) {
      if (onServer.has(w.sha256)) continue;
      if (w.supersededAt !== undefined && inKill(w.at, w.supersededAt)) {
        excused += 1;
        continue;
      }
      lostWrites.push(`${w.actor} wrote ${w.path} at +${w.at - started} ms (${w.sha256.slice(0, 12)}), superseded ${w.supersededAt === undefined ? 'never' : `after ${w.supersededAt - w.at} ms`}`);
    }
    const copies = [...serverNow.keys()].filter(isConflictedCopy);
    const ofPrivate = copies.filter((p) => !p.startsWith('shared/'));
    const report: SyncSoakReport = {
      seed: options.seed,
      ops: counts,
      writes: writes.length,
      kills,
      convergedAfterMs,
      serverFiles: serverNow.size,
      conflictedCopies: copies.length,
      conflictedCopiesOfPrivatePaths: ofPrivate,
      lostWrites,
      excusedWrites: excused,
      diverged,
      violations: lostWrites.length + ofPrivate.length + diverged.length,
    };
    return report;
  } finally {
    for (const c of clients) c.kill('SIGINT');
    await Promise.all(clients.map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 10_000))])));
    for (const c of clients) c.kill('SIGKILL');
    await sys.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The namespace's live files: path → SHA-256. */
async function serverFiles(http: string, ns: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token = '';
  for (;;) {
    const res = await fetch(`${http}/v1/files/${ns}?prefix=&pageSize=1000${token === '' ? '' : `&pageToken=${encodeURIComponent(token)}`}`);
    const body = (await res.json()) as { files: { path: string; sha256: string }[]; nextPageToken: string };
    for (const f of body.files) out.set(f.path, f.sha256);
    if (body.nextPageToken === '') return out;
    token = body.nextPageToken;
  }
}

/** Every revision's SHA-256 of a path (tombstones have none). */
async function historyShas(http: string, ns: string, p: string): Promise<string[]> {
  const out: string[] = [];
  let token = '';
  for (;;) {
    const res = await fetch(`${http}/v1/files/${ns}/${p.split('/').map(encodeURIComponent).join('/')}?revisions&pageSize=1000${token === '' ? '' : `&pageToken=${encodeURIComponent(token)}`}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return out;
    }
    const body = (await res.json()) as { revisions: { sha256: string; deleted: boolean }[]; nextPageToken: string };
    for (const r of body.revisions) if (!r.deleted) out.push(r.sha256);
    if (body.nextPageToken === '') return out;
    token = body.nextPageToken;
  }
}

/** A folder's files (its state directory left out): path → SHA-256. */
async function localFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (at: string, prefix: string): Promise<void> => {
    // a sync client changes the folder while it is read: what went meanwhile is absent this round
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      if (entry.name === '.twophase-sync') continue;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await visit(path.join(at, entry.name), rel);
      else if (entry.isFile()) {
        const bytes = await readFile(path.join(at, entry.name)).catch(() => undefined);
        if (bytes !== undefined) out.set(rel, createHash('sha256').update(bytes).digest('hex'));
      }
    }
  };
  await visit(dir, '');
  return out;
}

function differences(server: Map<string, string>, local: Map<string, string>, who: string): string[] {
  const out: string[] = [];
  for (const [p, sha] of server) if (local.get(p) !== sha) out.push(`${who}: ${p} ${local.has(p) ? 'differs from' : 'missing, on'} the server`);
  for (const p of local.keys()) if (!server.has(p)) out.push(`${who}: ${p} is not on the server`);
  return out;
}
