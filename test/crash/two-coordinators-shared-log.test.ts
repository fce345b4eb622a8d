import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TransactionAbortedError, TwoPhaseClient } from '../../sdk/index.js';
import { processGroup, startSharedLogPair } from '../support/process-group.js';
import { adminStats } from '../support/admin-stats.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { coordinatorOfTxId } from '../../lib/tx-id/tx-id.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * Two coordinators, c1 and c2, on one shared decision log, and real participants that know
 * both (`--coordinator c1=…,c2=…`): each coordinator's tx ids name it; when c1 dies between
 * the votes and its decision, the participants in doubt ask c2, which settles the tx.
 */
const postgres = postgresFixture();

const group = processGroup('two-coordinators');
const start = group.start;

describe('two coordinators on a shared decision log', () => {
  it('tx ids name their coordinator, enlists reach it, and when c1 dies before deciding, its in-doubt branches and its client are answered by c2, and a client given both goes on through c2', async () => {
    // c1's second commit decision is never written: it dies between the votes and its decision
    const { logUrl, port, c1 } = await startSharedLogPair(group, () => postgres.freshDatabase(), { TWOPHASE_FAILPOINTS: 'coordinator.log.commit.before-append=crash@2' });
    const client = (id: 'c1' | 'c2'): TwoPhaseClient => {
      const c = new TwoPhaseClient({ coordinator: `127.0.0.1:${port[id]}`, participants: { blob: `127.0.0.1:${port.blob}`, metadata: `127.0.0.1:${port.metadata}` } });
      group.client(c);
      return c;
    };
    const viaC1 = client('c1');
    const viaC2 = client('c2');
    // given both: its first Begin goes to the first listed, c1
    const viaBoth = new TwoPhaseClient({
      coordinators: [
        { id: 'c1', address: `127.0.0.1:${port.c1}` },
        { id: 'c2', address: `127.0.0.1:${port.c2}` },
      ],
      participants: { blob: `127.0.0.1:${port.blob}`, metadata: `127.0.0.1:${port.metadata}` },
    });
    group.client(viaBoth);

    const first = await viaC1.uploadFile({ namespace: 'two', path: 'c1.bin', content: randomBytes(512) });
    const second = await viaC2.uploadFile({ namespace: 'two', path: 'c2.bin', content: randomBytes(512) });
    expect(coordinatorOfTxId(first.txId)).toBe('c1');
    expect(coordinatorOfTxId(second.txId)).toBe('c2');

    // c1's next upload: both branches prepared, then c1 dies before its commit record. The
    // client knows c2 too: once c1 has stayed unreachable a while, it asks c2, whose answer
    // is the decision (it settles the tx in the log), never "unknown"
    const lost = viaBoth.uploadFile({ namespace: 'two', path: 'lost.bin', content: randomBytes(512) }).catch((err: unknown) => err);
    expect(await c1.exited).toMatchObject({ signal: 'SIGKILL' });
    const lostErr = await lost;
    expect(lostErr).toBeInstanceOf(TransactionAbortedError);
    expect(coordinatorOfTxId((lostErr as TransactionAbortedError).txId)).toBe('c1');
    // c1 stays down: the client begins every new tx at c2
    for (let i = 0; i < 4; i++) {
      const r = await viaBoth.uploadFile({ namespace: 'two', path: `both-${i}.bin`, content: randomBytes(256) });
      expect(coordinatorOfTxId(r.txId)).toBe('c2');
    }

    // c1 stays down: the participants fall back to c2, which settles the tx in the log
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      const inDoubt = (await adminStats(`127.0.0.1:${port.blob}`)).in_doubt! + (await adminStats(`127.0.0.1:${port.metadata}`)).in_doubt!;
      if (inDoubt === 0) break;
      if (Date.now() > giveUpAt) throw new Error(`still ${inDoubt} branches in doubt`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const db = new pg.Client(logUrl);
    await db.connect();
    try {
      const { rows } = await db.query<{ tx_id: string; decision: string; decided_by: string }>('SELECT tx_id, decision, decided_by FROM twophase_decisions ORDER BY decided_at_ms');
      const byTx = new Map(rows.map((r) => [r.tx_id, r]));
      expect(byTx.get(first.txId)).toMatchObject({ decision: 'commit', decided_by: 'c1' });
      expect(byTx.get(second.txId)).toMatchObject({ decision: 'commit', decided_by: 'c2' });
      const settled = rows.filter((r) => r.decision === 'abort');
      expect(settled.map((r) => [coordinatorOfTxId(r.tx_id), r.decided_by])).toEqual([['c1', 'c2']]);
    } finally {
      await db.end();
    }
    // nothing of the lost upload is stored; uploads through c2 go on
    await expect(viaC2.stat({ namespace: 'two', path: 'lost.bin' })).rejects.toThrow();
    const third = await viaC2.uploadFile({ namespace: 'two', path: 'after.bin', content: randomBytes(512) });
    expect(coordinatorOfTxId(third.txId)).toBe('c2');
  }, 180_000);

  it('a coordinator on its file log refuses to answer for a tx another coordinator began on a shared log, rather than presume it aborted', async () => {
    const dir = await group.dir();
    const port = await freePort();
    const fileLog = start(['coordinator', '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'file-log'), '--participant', 'blob=127.0.0.1:1', '--participant', 'metadata=127.0.0.1:2']);
    await fileLog.grpcPort();
    const c = new TwoPhaseClient({ coordinator: `127.0.0.1:${port}`, participants: { blob: '127.0.0.1:1', metadata: '127.0.0.1:2' } });
    group.client(c);
    await expect(c.getOutcome('c7-aaaaaaaaaaaaaaaaaaaaa')).rejects.toThrow(/begun by coordinator c7 on a shared decision log/);
    expect(await c.getOutcome('aaaaaaaaaaaaaaaaaaaaa')).toMatchObject({ outcome: 'aborted', presumed: true });
  }, 60_000);
});
