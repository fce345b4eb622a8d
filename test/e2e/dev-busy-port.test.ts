import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { findPortHolder, portIsFree } from '../../lib/free-port/port-holder.js';

let dir: string;
let holder: net.Server;
let busyPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-busy-port-'));
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  busyPort = (holder.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => holder.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function devArgs(overrides: Record<string, string>): Promise<string[]> {
  const ports = { '--http-listen': `127.0.0.1:${await freePort()}`, '--coordinator-port': String(await freePort()), '--blob-port': String(await freePort()), '--metadata-port': String(await freePort()), '--postgres-port': String(await freePort()), ...overrides };
  return ['dev', '--data-dir', dir, ...Object.entries(ports).flat()];
}

describe('a port that dev needs is taken', () => {
  it('finds who listens on a port through /proc', async () => {
    expect(await portIsFree('127.0.0.1', busyPort)).toBe(false);
    const found = await findPortHolder(busyPort);
    expect(found?.pid).toBe(process.pid);
    expect(await portIsFree('127.0.0.1', await freePort())).toBe(true);
  });

  it('dev exits 2 at once, naming the port, who holds it and the flag that moves it; nothing is started', async () => {
    const startedAt = Date.now();
    const { code, stderr, stdout } = await runCli(await devArgs({ '--http-listen': `127.0.0.1:${busyPort}` }), 60_000);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`port ${busyPort} (HTTP gateway) is in use by pid ${process.pid}`);
    expect(stderr).toMatch(/move the HTTP gateway with --http-listen 127\.0\.0\.1:\d+/);
    expect(stdout).not.toContain('started (pid');
    // no restart loop: the check comes before any child
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  }, 90_000);

  it('names every busy port and its flag, the gRPC and PostgreSQL ones too', async () => {
    const { code, stderr } = await runCli(await devArgs({ '--postgres-port': String(busyPort) }), 60_000);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`port ${busyPort} (embedded PostgreSQL) is in use`);
    expect(stderr).toMatch(/--postgres-port \d+/);
  }, 90_000);

  it('refuses two parts on one port', async () => {
    const port = String(await freePort());
    const { code, stderr } = await runCli(await devArgs({ '--blob-port': port, '--metadata-port': port }), 60_000);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`would both listen on port ${port}`);
  }, 90_000);

  it('several coordinators: refused on the file log or past the most, and a port of the second one taken is named', async () => {
    const onFile = await runCli([...(await devArgs({})), '--coordinators', '2'], 60_000);
    expect(onFile.code, onFile.stderr).toBe(2);
    expect(onFile.stderr).toContain('--coordinators (TWOPHASE_DEV_COORDINATORS): several coordinators share one decision log; add --decision-log shared');
    const tooMany = await runCli([...(await devArgs({})), '--coordinators', '10', '--decision-log', 'shared'], 60_000);
    expect(tooMany.code, tooMany.stderr).toBe(2);
    expect(tooMany.stderr).toContain('expected a whole number from 1 to 9 (given "10")');
    // the second coordinator listens 10 ports after the first: hold that one
    const busy = await runCli([...(await devArgs({ '--coordinator-port': String(busyPort - 10) })), '--coordinators', '2', '--decision-log', 'shared'], 60_000);
    expect(busy.code, busy.stderr).toBe(2);
    expect(busy.stderr).toContain(`port ${busyPort} (coordinator-c2) is in use`);
  }, 90_000);
});