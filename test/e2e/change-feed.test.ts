import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';

/**
 * The change feed over HTTP (`GET /v1/changes/{namespace}`), against `twophase dev`: a long
 * poll answered by the next commit, server-sent events resumed by Last-Event-ID, and a reader
 * that resumes from its last cursor through SIGKILLs of the coordinator, the metadata
 * participant and the gateway, seeing every change exactly once.
 */
let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

interface ChangeJson {
  cursor: number;
  namespace: string;
  path: string;
  revision: number;
  deleted: boolean;
}

async function poll(namespace: string, cursor: number, wait = '0'): Promise<{ changes: ChangeJson[]; cursor: number }> {
  const res = await fetch(`${sys.http}/v1/changes/${namespace}?cursor=${cursor}&wait=${wait}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { changes: ChangeJson[]; cursor: number };
}

/** Reads server-sent events until `count` changes came (or the stream ends). */
async function events(res: Response, count: number): Promise<{ id: number; change: ChangeJson }[]> {
  const out: { id: number; change: ChangeJson }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
      if (fields.event === 'change') out.push({ id: Number(fields.id), change: JSON.parse(fields.data!) as ChangeJson });
      if (out.length >= count) return out;
    }
  }
  return out;
}

describe('the change feed over HTTP', () => {
  it('a long poll answers with the commit that comes while it waits; an empty feed answers its cursor back; bad input is 400', async () => {
    expect(await poll('lp', 0)).toEqual({ namespace: 'lp', changes: [], cursor: 0 });
    const started = Date.now();
    const waiting = poll('lp', 0, '20s');
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${sys.http}/v1/files/lp/a.txt`, { method: 'PUT', body: 'a' })).status).toBe(201);
    const answer = await waiting;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answer.changes).toMatchObject([{ namespace: 'lp', path: 'a.txt', revision: 1, deleted: false }]);
    expect(answer.cursor).toBe(answer.changes[0]!.cursor);
    expect((await fetch(`${sys.http}/v1/files/lp/a.txt`, { method: 'DELETE' })).status).toBe(200);
    const next = await poll('lp', answer.cursor, '10s');
    expect(next.changes).toMatchObject([{ path: 'a.txt', revision: 2, deleted: true }]);
    for (const bad of ['cursor=-1', 'cursor=x', 'wait=2h', 'limit=0']) expect((await fetch(`${sys.http}/v1/changes/lp?${bad}`)).status, bad).toBe(400);
    expect((await fetch(`${sys.http}/v1/changes/a*b?cursor=0`)).status).toBe(400);
  });

  it('server-sent events carry each change with its cursor as id; a reconnect with Last-Event-ID resumes after it', async () => {
    for (const name of ['1', '2']) expect((await fetch(`${sys.http}/v1/files/sse/${name}`, { method: 'PUT', body: name })).status).toBe(201);
    const stream = await fetch(`${sys.http}/v1/changes/sse`, { headers: { accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const [first, second] = await events(stream, 2);
    expect([first!.change.path, second!.change.path]).toEqual(['1', '2']);
    expect(first!.id).toBe(first!.change.cursor);
    await stream.body?.cancel();
    expect((await fetch(`${sys.http}/v1/files/sse/3`, { method: 'PUT', body: '3' })).status).toBe(201);
    // as a reconnecting EventSource does: the URL it first used (from 0) and the last id it saw, which wins
    const resumed = await fetch(`${sys.http}/v1/changes/sse?cursor=0`, { headers: { accept: 'text/event-stream', 'last-event-id': String(second!.id) } });
    const [third] = await events(resumed, 1);
    expect(third!.change.path).toBe('3');
    await resumed.body?.cancel();
  });

  it('a reader resuming from its last cursor sees every change exactly once while the coordinator, the metadata participant and the gateway are SIGKILLed', async () => {
    const ns = 'resume';
    const files = Array.from({ length: 30 }, (_, i) => `f${i}`);
    const seen: ChangeJson[] = [];
    let cursor = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const answer = await fetch(`${sys.http}/v1/changes/${ns}?cursor=${cursor}&wait=2s`).then((r) => (r.ok ? (r.json() as Promise<{ changes: ChangeJson[] }>) : undefined)).catch(() => undefined);
        if (answer === undefined) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        for (const c of answer.changes) {
          expect(c.cursor).toBeGreaterThan(cursor);
          cursor = c.cursor;
          seen.push(c);
        }
        if (seen.length >= files.length) reading = false;
      }
    })();
    // the writer: each file until it is known stored (a 412 of If-None-Match: * means an earlier try committed);
    // one process is SIGKILLed at a third, at two thirds and at the end of the writes
    const kills: Promise<void>[] = [];
    const killAt: Record<number, 'coordinator' | 'metadata' | 'gateway'> = { 8: 'coordinator', 16: 'metadata', 24: 'gateway' };
    for (const [i, path] of files.entries()) {
      const victim = killAt[i];
      if (victim !== undefined) kills.push(sys.killAndAwaitRestart(victim));
      for (;;) {
        const res = await fetch(`${sys.http}/v1/files/${ns}/${path}`, { method: 'PUT', body: path, headers: { 'if-none-match': '*' } }).catch(() => undefined);
        if (res?.status === 201 || res?.status === 412) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await Promise.all(kills);
    // every write is committed: the reader catches up, and stops
    const giveUpAt = Date.now() + 60_000;
    while (reading && Date.now() < giveUpAt) await new Promise((r) => setTimeout(r, 200));
    reading = false;
    await reader;
    expect(seen.map((c) => c.path).sort()).toEqual([...files].sort());
    expect(seen.every((c) => c.revision === 1 && !c.deleted)).toBe(true);
  }, 180_000);
});
