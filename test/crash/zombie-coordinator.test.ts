import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { NotFoundError, TransactionAbortedError, TwoPhaseClient } from '../../sdk/index.js';
import { processGroup, startSharedLogPair } from '../support/process-group.js';
import { adminStats } from '../support/admin-stats.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * A zombie coordinator (DESIGN.md, *Shared decision log*): c1 gathers both yes votes, and is
 * frozen with SIGSTOP just before it writes its commit record. While it is frozen, the
 * participants in doubt ask c2, which settles the tx as aborted by compare-and-set. When c1
 * is resumed it goes on to write its commit: the shared log refuses it (the key already
 * holds the abort), c1 aborts too, and nothing of the upload is ever visible.
 *
 * The freeze needs c1 to be at that instant: a delay armed at the failpoint before its
 * commit record holds it there, long enough for the test to see both branches prepared and
 * send SIGSTOP. The delay runs on c1's clock, which goes on while it is frozen: resumed past
 * it, c1 writes at once.
 */
const postgres = postgresFixture();

const group = processGroup('zombie');

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a zombie coordinator on a shared decision log', () => {
  it('frozen between the votes and its commit record while another settles its tx, then resumed: its late commit is refused and the tx stays aborted everywhere', async () => {
    const heldMs = 20_000;
    const { logUrl, port, blobDir, c1 } = await startSharedLogPair(group, () => postgres.freshDatabase(), { TWOPHASE_FAILPOINTS: `coordinator.log.commit.before-append=delay(${heldMs})@1` });
    // c1's own client, patient enough to hear c1's answer once it is resumed
    const viaC1 = new TwoPhaseClient({ coordinator: `127.0.0.1:${port.c1}`, participants: { blob: `127.0.0.1:${port.blob}`, metadata: `127.0.0.1:${port.metadata}` }, callTimeoutMs: 120_000 });
    group.client(viaC1);

    const content = randomBytes(1024);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const upload = viaC1.uploadFile({ namespace: 'zombie', path: 'late.bin', content }).catch((err: unknown) => err);
    const inDoubt = async (): Promise<number> => (await adminStats(`127.0.0.1:${port.blob}`)).in_doubt! + (await adminStats(`127.0.0.1:${port.metadata}`)).in_doubt!;
    // both yes votes are in: c1 is held before its commit record; freeze it there
    await until('both branches prepared', async () => ((await inDoubt()) === 2 ? true : undefined));
    process.kill(c1.pid, 'SIGSTOP');
    const frozenAt = Date.now();

    // c1 does not answer; the participants ask c2, which settles the tx in the log
    await until('the branches settled through c2', async () => ((await inDoubt()) === 0 ? true : undefined), 90_000);
    const db = new pg.Client(logUrl);
    await db.connect();
    try {
      const decisions = async () => (await db.query<{ tx_id: string; decision: string; decided_by: string }>('SELECT tx_id, decision, decided_by FROM twophase_decisions')).rows;
      const settled = await decisions();
      expect(settled).toHaveLength(1);
      expect(settled[0]).toMatchObject({ decision: 'abort', decided_by: 'c2' });
      expect(settled[0]!.tx_id.startsWith('c1-')).toBe(true);
      // still within the hold: c1 is resumed while its commit is yet to be written
      expect(Date.now() - frozenAt).toBeLessThan(heldMs);

      process.kill(c1.pid, 'SIGCONT');
      // its late commit record meets the abort: refused, and c1 aborts as well
      const refused = await c1.waitForLine((l) => l.msg === 'another coordinator settled this transaction as aborted before its commit record; aborting', heldMs + 30_000);
      expect(refused.txId).toBe(settled[0]!.tx_id);
      const err = await upload;
      expect(err).toBeInstanceOf(TransactionAbortedError);
      expect((err as TransactionAbortedError).txId).toBe(settled[0]!.tx_id);
      expect(await decisions()).toEqual(settled);
    } finally {
      await db.end();
    }
    // atomic: neither the revision nor the object exists, and c1 still answers aborted
    await expect(viaC1.stat({ namespace: 'zombie', path: 'late.bin' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(access(join(blobDir, 'objects', sha256.slice(0, 2), sha256))).rejects.toThrow();
    expect(await viaC1.getOutcome(((await upload) as TransactionAbortedError).txId)).toMatchObject({ outcome: 'aborted' });
    // and c1 serves on: its next upload commits
    const next = await viaC1.uploadFile({ namespace: 'zombie', path: 'next.bin', content: randomBytes(256) });
    expect(next.revision).toBe(1);
  }, 180_000);
});
