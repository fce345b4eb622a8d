import { describe, expect, it } from 'vitest';
import { fenced, reverted, type FixedBug, type SimOptions } from './sim-options.js';
import { simulate } from './simulate.js';

/**
 * A protocol bug the simulator finds and that cannot be fixed at once gets a fence in
 * `knownBugs` (sim-options.ts) and an `it.fails` here that lifts only that fence; none is
 * open now.
 *
 *   npm run sim -- --fence all --unfence <bug> --seeds 3000     finds the failing seeds
 *   npm run sim -- --fence all --unfence <bug> --seed <seed>    prints one trace
 */

interface FixedBugCase {
  readonly bug: FixedBug;
  readonly rule: string;
  /** What the simulator says when it catches the old behaviour: the invariant it breaks. */
  readonly caughtAs: RegExp;
  /** Conditions under which the bug can show within a run, if the default world does not reach it. */
  readonly world?: Partial<SimOptions>;
  /** Seeds to try, when the bug needs more than `seedsMax` to show. */
  readonly seeds?: number;
  /** The first seed to try (default 1): a window around a seed it failed, when its world is dear to run. */
  readonly from?: number;
}

const seedsMax = 300;

const cases: readonly FixedBugCase[] = [
  {
    bug: 'replay-unsynced',
    rule: 'a restarted coordinator re-drives only commit records that are durable',
    // either a commit acted on with no durable record, or a log a power loss left with a hole
    // (the records read but never synced were in an older segment than the synced ones after them)
    caughtAs: /while no commit record for it was ever durable \[persist before speaking\]|C failed to start: LogCorruptError/,
  },
  {
    bug: 'presumed-abort-to-client',
    rule: 'a client whose Commit reply was lost is never told aborted for a tx that committed',
    caughtAs: /but the client was told aborted \(presumed: the coordinator no longer knew the tx\) \[atomicity\]/,
  },
  {
    bug: 'reenlist-after-restart',
    rule: 'a participant that restarts between two operations of a tx never commits the later one without the earlier',
    caughtAs: /but op \d+ the client did at \w+ is gone there \[atomicity\]/,
  },
  {
    bug: 'phantom-in-doubt',
    rule: 'a repeated Commit of a forgotten branch never leaves an in-doubt branch behind',
    // the phantom does harm only once the coordinator has forgotten the tx (then it hears
    // "aborted" for a committed branch and stays in doubt); with the default 30 s retention
    // no run gets there, and a 1% verification failure makes a phantom rare. A participant
    // answers a repeated Commit of a tx it committed since its start from memory, so only
    // one that remembers none verifies every repeat, the path the bug lived on
    world: { outcomeRetentionMs: 100, participantCommittedRememberedMax: 0, scenario: { rmFailRate: 0.2 } },
    // only pb and pc fail verifications (pa runs the real blob store): it needs more seeds than the others
    seeds: 600,
    caughtAs: /\[liveness\]: \w+ t\d+ prepared/,
  },
  {
    bug: 'commit-lands-after-replay',
    rule: 'a commit insert that a killed coordinator left running never lands after its next process replays the shared log',
    world: { decisionLog: 'shared' },
    // a shared-log seed costs some ten file-log ones: a window around seed 352, the first of 1–600 it fails
    from: 345,
    seeds: 10,
    caughtAs: /a restarted coordinator c\d re-drives c\d-t\d+.* \[no orphans\]/,
  },
];

/**
 * Bugs the simulator found and that are fixed. Each runs the fixed code over seeds that
 * include ones the bug failed, then brings the old behaviour back (sim-options.ts
 * `fixedBugs`) and requires the simulator to catch it, for the reason it did then, on a
 * seed the fixed code passes: a check that stopped biting fails here.
 */
describe('fixed protocol bugs stay fixed, and the simulator still catches them', () => {
  for (const { bug, rule, caughtAs, world = {}, seeds = seedsMax, from = 1 } of cases) {
    it(`${rule} [${bug}]`, async () => {
      const options: Partial<SimOptions> = { ...fenced(), ...world };
      let caught: { seed: number; violation: string } | undefined;
      for (let seed = from; seed < from + seeds && caught === undefined; seed++) {
        const [violation] = (await simulate({ ...options, ...reverted([bug]), seed })).violations;
        if (violation !== undefined) caught = { seed, violation };
      }
      expect(caught, `the old behaviour of ${bug} survived ${seeds} seeds`).toBeDefined();
      expect(caught!.violation).toMatch(caughtAs);
      for (let seed = from; seed < from + seeds; seed++) expect((await simulate({ ...options, seed })).violations, `seed ${seed}`).toEqual([]);
      // hundreds of seeds twice on one thread: minutes on a busy 2-core machine; a hang still fails
    }, 300_000);
  }
});
