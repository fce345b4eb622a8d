import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { awaitRecovery } from '../../chaos/chaos-checker.js';
import type { ChaosTarget } from '../../chaos/chaos-target.js';

/** The chaos checker's judgement over a scripted target: what it holds is given, nothing runs. */
describe('the chaos checker', () => {
  it('recovery is not over while the gateway, through which GetOutcome is asked, does not answer', async () => {
    const settled = { query: async () => [], leftoverStaging: async () => '', stats: async () => ({}) };
    const down = { ...settled, http: 'http://127.0.0.1:1' } as unknown as ChaosTarget;
    const r = await awaitRecovery(down, 1_200);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]?.invariant).toBe('liveness');
    expect(r.violations[0]?.detail).toContain('the gateway does not answer');
    const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const up = { ...settled, http: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } as unknown as ChaosTarget;
      expect((await awaitRecovery(up, 5_000)).violations).toEqual([]);
    } finally {
      server.close();
    }
  });
});
