import { describe, expect, it, onTestFinished } from 'vitest';
import { runGateway } from '../../gateway/main.js';
import { freePort } from '../../lib/free-port/free-port.js';

describe('the gateway readiness probe', () => {
  it('/readyz answers 503 naming what cannot be reached, while /healthz (liveness) stays 200', { timeout: 30_000 }, async () => {
    // nothing listens there: no coordinator, so no participant address either
    const gateway = await runGateway({ listen: '127.0.0.1:0', coordinator: [{ id: undefined, address: `127.0.0.1:${await freePort()}` }], maxUploadBytes: 1024, callTimeoutMs: 1000, logLevel: 'silent', auth: 'none', headersTimeoutMs: 20_000, idleTimeoutMs: 60_000, connectionsPerClient: 256 });
    onTestFinished(() => gateway.stop());
    const base = `http://127.0.0.1:${gateway.port}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; services: Record<string, string> };
    expect(body.status).toBe('not ready');
    expect(body.services.coordinator).toMatch(/^unreachable: /);
    expect(body.services.blob).toMatch(/^unknown: /);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
