import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commitModes } from '../../chaos/chaos-target.js';
import { runChaos } from '../../chaos/run-chaos.js';
import { commitModes as coordinatorCommitModes } from '../../coordinator/coordinator-settings.js';
import { runCli } from '../support/cli-process.js';

/**
 * A bounded smoke of the fault-injection runner in CI: fixed seeds, short runs, every
 * fault kind. Long runs: `npm run chaos -- --seed 1 --runs 100 --duration 60s`.
 */
const say = (seed: number) => (text: string) => console.log(`[chaos seed ${seed}] ${text}`);

/** Seeds of the general run: one in the default suite, more with `npm run test:chaos` (TWOPHASE_CHAOS_SMOKE_SEEDS). */
const seeds = (process.env.TWOPHASE_CHAOS_SMOKE_SEEDS ?? '1').split(',').map(Number);

describe('fault-injection runs', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: kills, partitions, delays, dropped connections and failpoints leave every invariant intact`, async () => {
      const report = await runChaos({
        seed,
        durationMs: 12_000,
        workers: 4,
        recoveryBoundMs: 60_000,
        faults: ['kill', 'partition', 'delay', 'drop', 'failpoint'],
        armAtStart: '',
        keepDir: false,
        say: say(seed),
      });
      console.log(JSON.stringify({ seed, operations: report.operations, faults: report.faults, restarts: report.restarts, violations: report.violations }));
      expect(report.violations).toEqual([]);
      expect(report.commitMode).toBe('two-phase');
      // the run did something: operations went through and faults were injected
      expect(report.operations.acknowledged ?? 0).toBeGreaterThan(0);
      expect(report.faultLog.length).toBeGreaterThan(0);
    }, 240_000);
  }

  it('last-resource mode, seed 22 (the last resource crashes right after its one-phase COMMIT, the blob participant before retiring staged names; drops, delays): every invariant holds, and the last resource is never seen prepared', async () => {
    const report = await runChaos({
      seed: 22,
      durationMs: 12_000,
      workers: 4,
      recoveryBoundMs: 60_000,
      faults: ['kill', 'partition', 'delay', 'drop', 'failpoint'],
      armAtStart: '',
      keepDir: false,
      commitMode: 'last-resource',
      say: say(22),
    });
    console.log(JSON.stringify({ seed: 22, operations: report.operations, faults: report.faults, restarts: report.restarts, violations: report.violations }));
    // a prepared branch at the last resource, sampled every 500 ms, would be a commit-mode violation here
    expect(report.violations).toEqual([]);
    expect(report.commitMode).toBe('last-resource');
    expect(report.replay).toContain('--commit-mode last-resource');
    expect(report.operations.acknowledged ?? 0).toBeGreaterThan(0);
    expect(report.faultLog.length).toBeGreaterThan(0);
  }, 240_000);

  it('the blob participant on S3 (moto_server), seed 21 (kills of the blob participant, the coordinator and PostgreSQL; failpoints): every invariant holds and no staging object is left', async () => {
    const report = await runChaos({
      seed: 21,
      durationMs: 12_000,
      workers: 4,
      recoveryBoundMs: 60_000,
      faults: ['kill', 'failpoint'],
      armAtStart: '',
      keepDir: false,
      blobBackend: 's3',
      say: say(21),
    });
    console.log(JSON.stringify({ seed: 21, operations: report.operations, faults: report.faults, restarts: report.restarts, violations: report.violations }));
    // the checker reads every acknowledged object from the bucket and lists its staging/ (a leftover is a violation)
    expect(report.violations).toEqual([]);
    expect(report.blobBackend).toBe('s3');
    expect(report.replay).toContain('--blob-backend s3');
    expect(Object.keys(report.restarts)).toContain('blob');
    expect(report.operations.acknowledged ?? 0).toBeGreaterThan(0);
    expect(report.faultLog.length).toBeGreaterThan(0);
  }, 240_000);

  it('the checker catches a broken coordinator that sends Commit before its decision is synced', async () => {
    const report = await runChaos({
      seed: 7,
      durationMs: 8_000,
      workers: 4,
      recoveryBoundMs: 60_000,
      faults: ['delay'],
      // the mutant, plus a crash right after the premature Commits were acked and before the log append
      armAtStart: 'coordinator.unsafe.commit-before-sync=error,coordinator.log.commit.before-append=crash@5',
      keepDir: false,
      say: say(7),
    });
    console.log(JSON.stringify({ violations: report.violations }));
    // a failing run keeps its directory for inspection; this one failed on purpose
    if (report.dir !== undefined) await rm(report.dir, { recursive: true, force: true });
    expect(report.violations.some((v) => v.invariant === 'atomicity')).toBe(true);
  }, 240_000);
});

describe('twophase chaos --commit-mode', () => {
  it('takes the modes the coordinator takes', () => {
    expect([...commitModes]).toEqual([...coordinatorCommitModes]);
  });

  it('refuses an unknown mode, naming the flag and the modes', async () => {
    const r = await runCli(['chaos', '--commit-mode', 'one-phase']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid setting --commit-mode: one-phase; expected two-phase or last-resource');
  }, 60_000);

  it('is refused with --gateway: a deployment commits as its own coordinator was started', async () => {
    const deployment = ['--gateway', 'http://127.0.0.1:1', '--database-url', 'postgres://127.0.0.1:1/x', '--admin', 'coordinator=127.0.0.1:1', '--admin', 'blob=127.0.0.1:2', '--admin', 'metadata=127.0.0.1:3'];
    for (const mode of ['last-resource', 'two-phase']) {
      const r = await runCli(['chaos', ...deployment, '--commit-mode', mode]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid settings: --commit-mode sets the mode of the coordinator the run starts; with --gateway the deployment commits as its own coordinator was started');
    }
  }, 60_000);

  it('with --each-failpoint, refuses a prefix whose points that mode never reaches', async () => {
    const r = await runCli(['chaos', '--each-failpoint', 'participant.metadata.prepare', '--commit-mode', 'last-resource']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no failpoint that starts with participant.metadata.prepare is reached in --commit-mode last-resource');
  }, 60_000);
});
