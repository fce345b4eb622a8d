import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../chaos/run-chaos.js';
import { runCli } from '../support/cli-process.js';
import { DevSystem } from '../support/dev-system.js';

let sys: DevSystem;
let out: string;

beforeAll(async () => {
  sys = await DevSystem.start(['--admin', '--tls', '--auth', 'jwt']);
  out = await mkdtemp(join(tmpdir(), 'twophase-chaos-tls-'));
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe('twophase chaos --gateway against a deployment over mutual TLS with bearer tokens', () => {
  it('drives it with the admin certificate and a token, and checks every invariant', { timeout: 180_000 }, async () => {
    const tls = join(sys.dir, 'tls');
    const report = join(out, 'report.json');
    const killCommand = `kill -9 $(node -p "require('${join(sys.dir, 'dev-state.json')}').{process}")`;
    const args = [
      'chaos', '--seed', '5', '--duration', '10s', '--workers', '4',
      '--gateway', sys.http, '--database-url', sys.databaseUrl,
      '--admin', `coordinator=${sys.coordinator}`, '--admin', `blob=${sys.blob}`, '--admin', `metadata=${sys.metadata}`,
      '--kill-command', killCommand, '--kill-targets', 'coordinator,blob,metadata,gateway',
      '--tls-cert', join(tls, 'admin.crt'), '--tls-key', join(tls, 'admin.key'), '--tls-ca', join(tls, 'ca.crt'),
      '--token-file', join(sys.dir, 'token'),
      '--report', report,
    ];
    const r = await runCli(args);
    console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const rep = JSON.parse(await readFile(report, 'utf8')) as ChaosReport;
    expect(rep.violations).toEqual([]);
    expect(rep.operations.acknowledged ?? 0).toBeGreaterThan(0);
    expect(rep.faults.failpoint ?? 0).toBeGreaterThan(0);
    // every upload went through the token: 2xx and 4xx of its own conditions, never a 401
    expect(rep.statuses['401'] ?? 0).toBe(0);
  });

  it('refuses --tls-* and --token-file without --gateway', async () => {
    const r = await runCli(['chaos', '--duration', '1s', '--token-file', join(sys.dir, 'token')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--token-file are for a deployment given with --gateway/);
  });
});
