import { describe, expect, it } from 'vitest';
import { runSeeds } from './run-seeds.js';
import { calmScenario, fenced } from './sim-options.js';
import { simulate } from './simulate.js';

/**
 * The real coordinator and participant cores under a simulated network, disks and clock
 * (test/sim/README.md). Known, unfixed bugs would be fenced (none is open now); everything
 * must hold on every seed. A failure names its seed: `npm run sim -- --seed N` replays it
 * with a trace.
 */
/** Room for the long runs on a shared machine; a run that hangs still fails. */
const simSuiteTimeoutMs = 300_000;

describe('simulation of the real protocol cores', () => {
  it('keeps atomicity, durability, no orphans and liveness over 3000 seeds of crashes, power losses, loss, duplication, reordering and partitions', async () => {
    const failures: string[] = [];
    const totals = await runSeeds({ ...fenced(), from: 1, count: 3000, onFailure: (r) => failures.push(`seed ${r.seed}: ${r.violations.join(' | ')}`) });
    expect(failures).toEqual([]);
    // the run did real work under real faults
    expect(totals.txs).toBeGreaterThan(50_000);
    expect(totals.committed).toBeGreaterThan(10_000);
    expect(totals.aborted).toBeGreaterThan(10_000);
    expect(totals.crashes).toBeGreaterThan(5_000);
    expect(totals.machineCrashes).toBeGreaterThan(500);
    expect(totals.blobMachineCrashes).toBeGreaterThan(500);
    expect(totals.dropped).toBeGreaterThan(10_000);
    expect(totals.duplicated).toBeGreaterThan(5_000);
    expect(totals.partitions).toBeGreaterThan(1_000);
    expect(totals.heuristicRollbacks).toBeGreaterThan(0);
    // thousands of seeds on one thread: minutes on a busy 2-core machine, not the default minute
  }, simSuiteTimeoutMs);

  it('keeps the same invariants in last-resource mode over 1500 seeds: the last resource commits one-phase, an unknown outcome is settled by a compare-and-set there', async () => {
    const failures: string[] = [];
    const totals = await runSeeds({ ...fenced(), commitMode: 'last-resource', from: 1, count: 1500, onFailure: (r) => failures.push(`seed ${r.seed}: ${r.violations.join(' | ')}`) });
    expect(failures).toEqual([]);
    expect(totals.committed).toBeGreaterThan(5_000);
    expect(totals.crashes).toBeGreaterThan(2_500);
    expect(totals.machineCrashes).toBeGreaterThan(250);
    expect(totals.blobMachineCrashes).toBeGreaterThan(250);
  }, simSuiteTimeoutMs);

  it('keeps the same invariants with three coordinators on a shared decision log over 300 seeds: pauses, coordinators lost for good, a database that refuses, stalls and loses answers; every tx reaches its outcome through the others', async () => {
    const failures: string[] = [];
    const totals = await runSeeds({ ...fenced(), decisionLog: 'shared', from: 1, count: 300, onFailure: (r) => failures.push(`seed ${r.seed}: ${r.violations.join(' | ')}`) });
    expect(failures).toEqual([]);
    expect(totals.committed).toBeGreaterThan(3_000);
    expect(totals.pauses).toBeGreaterThan(200);
    expect(totals.lostCoordinators).toBeGreaterThan(50);
    expect(totals.settles).toBeGreaterThan(1_000);
    // zombies: a paused coordinator's late commit met the abort another one settled
    expect(totals.commitsLost).toBeGreaterThan(5);
    expect(totals.dbAmbiguous).toBeGreaterThan(50);
  }, simSuiteTimeoutMs);

  it('never loses a synced commit record to a power loss after a restart found the log directory or a segment an earlier, killed process created (FileDecisionLog syncs the directory chain on every open)', async () => {
    // seeds that failed "committed … while no commit record for it was ever durable" when open synced only what it created itself
    for (const seed of [63, 158, 311]) expect((await simulate({ ...fenced(), seed })).violations, `seed ${seed}`).toEqual([]);
  });

  it('never loses a committed object to a power loss after a start found object directories an earlier, killed start created (LocalBlobStore syncs objects/ on every start)', async () => {
    // seeds that failed "committed at pa without op … the client was told succeeded [durability]" in the
    // world of 5e9482c, when recovery synced objects/ only after creating object directories itself (the
    // world has changed since; durability-sites.test.ts replays the failure deterministically)
    for (const seed of [595, 660, 1264, 1300]) expect((await simulate({ ...fenced(), seed })).violations, `seed ${seed}`).toEqual([]);
  });

  it('judges a run finished only once every process has recovered and serves, heuristic damage or not', async () => {
    // seed 53062 of 100,000 (81cb1fc): after a heuristic rollback, a coordinator still replaying its
    // log (fsyncs stall) read as finished, and the no-orphans check then found a commit it had not re-driven yet
    expect((await simulate({ ...fenced(), seed: 53062 })).violations).toEqual([]);
  });

  it('never reports a committed tx as aborted when the coordinator may remember only a few outcomes (finishedTxMax 10): Begin is refused instead', async () => {
    const failures: string[] = [];
    // evicting outcomes by count failed 34 of these 300 seeds ("client told aborted (presumed): committed at …")
    await runSeeds({ ...fenced(), finishedTxMax: 10, from: 1, count: 300, onFailure: (r) => failures.push(`seed ${r.seed}: ${r.violations.join(' | ')}`) });
    expect(failures).toEqual([]);
  });

  it('commits every tx whose client commits in time when nothing fails', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = await simulate({ ...fenced(), seed, scenario: { ...calmScenario, opsPerParticipantMax: 1 } });
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(r.stats.crashes + r.stats.dropped).toBe(0);
      expect(r.stats.committed).toBeGreaterThan(0);
    }
  });

  it('replays a seed exactly: the same trace and the same counters', async () => {
    const run = async (): Promise<{ trace: string[]; stats: unknown }> => {
      const trace: string[] = [];
      const r = await simulate({ ...fenced(), seed: 4242, trace: (line) => trace.push(line) });
      return { trace, stats: r.stats };
    };
    const first = await run();
    const second = await run();
    expect(first.trace.length).toBeGreaterThan(100);
    expect(second.trace).toEqual(first.trace);
    expect(second.stats).toEqual(first.stats);
    // tracing changes nothing but the output
    expect((await simulate({ ...fenced(), seed: 4242 })).stats).toEqual(first.stats);
  });

  it('replays a shared-log seed exactly, pauses and the database included', async () => {
    const run = async (): Promise<{ trace: string[]; stats: unknown }> => {
      const trace: string[] = [];
      const r = await simulate({ ...fenced(), decisionLog: 'shared', seed: 4242, trace: (line) => trace.push(line) });
      return { trace, stats: r.stats };
    };
    const first = await run();
    expect(first.trace.some((line) => line.includes(' db '))).toBe(true);
    expect((await run()).trace).toEqual(first.trace);
    expect((await simulate({ ...fenced(), decisionLog: 'shared', seed: 4242 })).stats).toEqual(first.stats);
  });
});
