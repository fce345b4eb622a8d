import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';

/**
 * During 50 concurrent uploads, SIGKILL one process; after it is restarted and recovery
 * has run, check the invariants of DESIGN.md over every upload.
 */
let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
  // warm up every connection and code path, so the uploads before each kill finish in time
  for (let i = 0; i < 10; i++) await fetch(`${sys.http}/v1/files/warmup/${i}`, { method: 'PUT', body: new Uint8Array(randomBytes(4096)) });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

interface Upload {
  readonly path: string;
  readonly content: Buffer;
  readonly sha256: string;
  status: number;
  txId?: string;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function upload(u: Upload): Promise<void> {
  try {
    const res = await fetch(`${sys.http}/v1/files/crash/${u.path}`, { method: 'PUT', body: new Uint8Array(u.content), signal: AbortSignal.timeout(60_000) });
    u.status = res.status;
    const body = (await res.json().catch(() => ({}))) as { txId?: string; error?: { txId?: string; message?: string } };
    if (res.status === 504 || res.status === 500) console.log(`${u.path}: ${res.status} ${JSON.stringify(body)}`);
    u.txId = body.txId ?? body.error?.txId;
  } catch {
    u.status = 0; // the connection itself failed: the client knows nothing
  }
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

describe('SIGKILL during 50 concurrent uploads, then recovery', () => {
  for (const victim of ['coordinator', 'blob', 'metadata', 'postgres'] as const) {
    it(`killing the ${victim} loses no acknowledged upload and leaves nothing half-done`, async () => {
      const uploads: Upload[] = Array.from({ length: 50 }, (_, i) => {
        const content = randomBytes(4096 + i);
        return { path: `${victim}/${i}.bin`, content, sha256: sha(content), status: -1 };
      });
      // spread over ~2 s: some finish before the kill, some are in flight at it, some start during the restart.
      // The kill comes once the first few are acknowledged, however slow the machine is.
      const running = uploads.map((u, i) => new Promise((r) => setTimeout(r, i * 40)).then(() => upload(u)));
      const acked = (): number => uploads.filter((u) => u.status === 200 || u.status === 201).length;
      await eventually(() => Promise.resolve(acked() >= 3), 'three uploads acknowledged before the kill', 30_000);
      const restarted = sys.killAndAwaitRestart(victim);
      await Promise.all(running);
      await restarted;

      // recovery done: nothing prepared, nothing staged (the participants resolve in-doubt branches themselves)
      await eventually(async () => (await sys.query(`SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'twophase%'`)).length === 0, 'no prepared transaction of ours');
      await eventually(async () => (await sys.stagedTxs()).length === 0, 'no staged blob');

      const acknowledged = uploads.filter((u) => u.status === 200 || u.status === 201);
      const counts = new Map<number, number>();
      for (const u of uploads) counts.set(u.status, (counts.get(u.status) ?? 0) + 1);
      const histogram = [...counts].map(([status, n]) => `${status}×${n}`);
      console.log(`${victim}: statuses ${histogram.join(' ')}`);
      // every process came back within the SDK's outcome wait: no client was left not knowing
      expect(uploads.filter((u) => u.status === 504).map((u) => u.path)).toEqual([]);
      // the run must have exercised both sides: uploads acknowledged before the kill, and uploads the kill broke
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(acknowledged.length).toBeLessThan(50);
      for (const u of uploads) {
        const res = await fetch(`${sys.http}/v1/files/crash/${u.path}`);
        if (res.status !== 200 && res.status !== 404) throw new Error(`GET ${u.path}: ${res.status} ${await res.text()}`);
        const present = res.status === 200;
        const bytes = present ? Buffer.from(await res.arrayBuffer()) : undefined;
        const objectStored = await sys.objectExists(u.sha256);
        if (u.status === 200 || u.status === 201) {
          // durability: told committed → there, with the exact bytes
          expect(present, `${u.path} acknowledged but missing`).toBe(true);
          expect(sha(bytes as Buffer)).toBe(u.sha256);
        } else {
          // atomicity: a failed upload is absent everywhere or present everywhere
          expect(present, `${u.path}: metadata ${present} but blob ${objectStored}`).toBe(objectStored);
          if (present) expect(sha(bytes as Buffer)).toBe(u.sha256);
          if (u.txId !== undefined) {
            const outcome = (await (await fetch(`${sys.http}/v1/transactions/${u.txId}`)).json()) as { outcome: string };
            expect(outcome.outcome, `${u.path} outcome vs presence`).toBe(present ? 'committed' : 'aborted');
          }
        }
        if (present) expect(objectStored).toBe(true);
      }
      console.log(`${victim}: ${acknowledged.length}/50 acknowledged, ${50 - acknowledged.length} failed`);
    }, 240_000);
  }
});
