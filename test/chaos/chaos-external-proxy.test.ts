import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/free-port/free-port.js';
import type { ChaosReport } from '../../chaos/run-chaos.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * A deployment whose coordinator reaches the metadata participant through the address of a
 * `--proxy` that `twophase chaos --gateway` starts: the run's partitions, delays and drops
 * act on that link, and every invariant holds.
 */
const postgres = postgresFixture();
const procs: CliProcess[] = [];
let dir: string;
let databaseUrl: string;
const port = { coordinator: 0, blob: 0, metadata: 0, http: 0, viaMetadata: 0 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-chaos-proxy-'));
});

/** The deployment, started inside the test (its database is the test's own). */
async function startDeployment(): Promise<void> {
  databaseUrl = await postgres.freshDatabase();
  for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
  const local = (p: number): string => `127.0.0.1:${p}`;
  const start = (args: string[]): CliProcess => {
    const p = new CliProcess([...args, '--log-level', 'info']);
    procs.push(p);
    return p;
  };
  const coordinator = start([
    'coordinator', '--admin', '--listen', local(port.coordinator), '--data-dir', join(dir, 'coordinator'),
    '--participant', `blob=${local(port.blob)}`, '--participant', `metadata=${local(port.viaMetadata)}`,
    '--tx-timeout-ms', '15000', '--phase2-call-timeout-ms', '2000',
  ]);
  const blob = start(['participant', 'blob', '--admin', '--listen', local(port.blob), '--data-dir', join(dir, 'blob'), '--coordinator', local(port.coordinator)]);
  const metadata = start(['participant', 'metadata', '--admin', '--listen', local(port.metadata), '--database-url', databaseUrl, '--coordinator', local(port.coordinator)]);
  await Promise.all([coordinator.grpcPort(), blob.grpcPort(), metadata.grpcPort()]);
  const gateway = start(['gateway', '--listen', local(port.http), '--coordinator', local(port.coordinator), '--auth', 'none']);
  await gateway.waitForLine((l) => l.msg === 'HTTP gateway listening');
}

afterAll(async () => {
  for (const p of procs) p.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('twophase chaos --gateway --proxy', () => {
  it('partitions, delays and drops the link the deployment dials through the proxy, and every invariant holds', async () => {
    await startDeployment();
    const report = join(dir, 'report.json');
    const args = [
      'chaos',
      '--seed', '3', '--duration', '10s', '--workers', '4', '--faults', 'partition,delay,drop',
      '--gateway', `http://127.0.0.1:${port.http}`,
      '--database-url', databaseUrl,
      '--admin', `coordinator=127.0.0.1:${port.coordinator}`, '--admin', `blob=127.0.0.1:${port.blob}`, '--admin', `metadata=127.0.0.1:${port.metadata}`,
      '--proxy', `metadata=127.0.0.1:${port.viaMetadata}/127.0.0.1:${port.metadata}`,
      '--report', report,
    ];
    const { code, stdout, stderr } = await runCli(args);
    console.log(stdout, stderr);
    expect(code).toBe(0);
    const rep = JSON.parse(await readFile(report, 'utf8')) as ChaosReport;
    expect(rep.violations).toEqual([]);
    expect(rep.faultKinds).toEqual(['partition', 'delay', 'drop']);
    expect(rep.faultLog.length).toBeGreaterThan(0);
    // the coordinator's Prepare and Commit to the metadata participant crossed the proxy
    const link = rep.links.metadata;
    expect(link?.connections ?? 0).toBeGreaterThan(0);
    expect(link?.bytesForward ?? 0).toBeGreaterThan(0);
    expect(link?.bytesBackward ?? 0).toBeGreaterThan(0);
    expect(Object.keys(rep.links)).toEqual(['metadata']);
    expect(rep.operations.acknowledged ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
