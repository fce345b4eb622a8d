import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../chaos/run-chaos.js';
import { runCli } from '../support/cli-process.js';
import { DevSystem } from '../support/dev-system.js';

/** `twophase chaos` run as a user would, against a deployment it did not start. */
const chaos = (args: string[]) => runCli(['chaos', ...args]);

let sys: DevSystem;
let out: string;

beforeAll(async () => {
  sys = await DevSystem.start(['--admin']);
  out = await mkdtemp(join(tmpdir(), 'twophase-chaos-external-'));
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe('twophase chaos --gateway (an existing deployment)', () => {
  it('kills processes with the kill command, arms failpoints over Admin, and checks every invariant', async () => {
    const report = join(out, 'report.json');
    const killCommand = `kill -9 $(node -p "require('${join(sys.dir, 'dev-state.json')}').{process}")`;
    const r = await chaos([
      '--seed', '5',
      '--duration', '12s',
      '--workers', '4',
      '--gateway', sys.http,
      '--database-url', sys.databaseUrl,
      '--admin', `coordinator=${sys.coordinator}`,
      '--admin', `blob=${sys.blob}`,
      '--admin', `metadata=${sys.metadata}`,
      '--kill-command', killCommand,
      '--kill-targets', 'coordinator,blob,metadata,gateway',
      '--report', report,
    ]);
    console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const rep = JSON.parse(await readFile(report, 'utf8')) as ChaosReport;
    expect(rep.target).toBe(sys.http);
    // the deployment commits as it was started; the run does not claim a mode
    expect(rep.commitMode).toBe('deployment');
    expect(r.stdout).toContain("commit mode: the deployment's own");
    expect(rep.violations).toEqual([]);
    expect(rep.operations.acknowledged ?? 0).toBeGreaterThan(0);
    // seed 5 draws kills and failpoints; network faults are left out without --proxy. A fault
    // is recorded once carried out: the kill command ran, the Admin service took the failpoint
    expect(rep.faults.kill ?? 0).toBeGreaterThan(0);
    expect(rep.faults.failpoint ?? 0).toBeGreaterThan(0);
    expect(Object.values(rep.restarts).reduce((a, b) => a + b, 0)).toBe(rep.faults.kill);
    expect(rep.faultKinds).toEqual(['kill', 'failpoint']);
    expect(r.stdout).toContain(`--gateway ${sys.http}`);
    // what the workload wrote is there, under the run's own namespace
    const rows = await sys.query<{ n: string }>(`SELECT count(*) AS n FROM revisions WHERE namespace = '${rep.namespace}'`);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  }, 240_000);

  it('refuses incomplete or malformed settings with a message that names the flag', async () => {
    const noDb = await chaos(['--gateway', sys.http, '--admin', `coordinator=${sys.coordinator}`]);
    expect(noDb.code).not.toBe(0);
    expect(noDb.stderr).toContain('--gateway needs --database-url');
    const noAdmin = await chaos(['--gateway', sys.http, '--database-url', sys.databaseUrl, '--admin', `coordinator=${sys.coordinator}`]);
    expect(noAdmin.stderr).toContain('--gateway needs --admin for blob, metadata');
    const admins = ['--admin', `coordinator=${sys.coordinator}`, '--admin', `blob=${sys.blob}`, '--admin', `metadata=${sys.metadata}`];
    const badProxy = await chaos(['--gateway', sys.http, '--database-url', sys.databaseUrl, ...admins, '--proxy', 'metadata=127.0.0.1:1']);
    expect(badProxy.stderr).toContain('invalid setting --proxy: metadata=127.0.0.1:1; expected LINK=LISTEN_HOST:PORT/TARGET_HOST:PORT');
    const stray = await chaos(['--kill-command', 'true']);
    expect(stray.stderr).toContain('need --gateway');
    const twice = await chaos(['--gateway', sys.http, '--database-url', sys.databaseUrl, ...admins, '--admin', `blob=${sys.blob}`]);
    expect(twice.stderr).toContain('invalid setting --admin: blob given twice');
    const noAdminService = await chaos([
      '--duration', '1s', '--gateway', sys.http, '--database-url', sys.databaseUrl, ...admins.slice(2), '--admin', 'coordinator=127.0.0.1:1',
    ]);
    expect(noAdminService.code).not.toBe(0);
    expect(noAdminService.stdout + noAdminService.stderr).toContain('the Admin service of coordinator at 127.0.0.1:1 does not answer');
  }, 120_000);
});
