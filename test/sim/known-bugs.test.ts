import { describe, expect, it } from 'vitest';
import { fenced, knownBugNames, type KnownBug } from './sim-options.js';
import { simulate } from './simulate.js';

/**
 * Protocol bugs the simulator found in the production code and that are not fixed yet
 * (README.md in this folder). Each test runs seeds with only that bug's fence lifted;
 * `it.fails` passes while the bug is there. Once it is fixed the test fails: make it a
 * plain `it` and delete the fence from `knownBugs` in sim-options.ts.
 *
 *   npm run sim -- --fence all --unfence <bug> --seeds 3000     finds the failing seeds
 *   npm run sim -- --fence all --unfence <bug> --seed <seed>    prints one trace
 */
const cases: readonly { bug: KnownBug; seedsMax: number; rule: string }[] = [
  { bug: 'presumed-abort-to-client', seedsMax: 1000, rule: 'a client whose Commit reply was lost is never told aborted for a tx that committed' },
];

describe('known protocol bugs (expected to fail until fixed)', () => {
  for (const { bug, seedsMax, rule } of cases) {
    it.fails(`${rule} [${bug}]`, () => {
      const options = fenced(knownBugNames.filter((b) => b !== bug));
      for (let seed = 1; seed <= seedsMax; seed++) {
        const { violations } = simulate({ ...options, seed });
        if (violations.length > 0) console.log(`${bug}: seed ${seed}: ${violations[0]}`);
        expect(violations, `seed ${seed}`).toEqual([]);
      }
    });
  }
});

/**
 * Bugs the simulator found and that are fixed: each runs the seeds that used to fail, with
 * the old behaviour available as an option to show the check still bites.
 */
describe('fixed protocol bugs stay fixed', () => {
  it('a restarted coordinator re-drives only commit records that are durable [replay-unsynced]', () => {
    for (const seed of [94, 17609]) expect(simulate({ ...fenced(), seed }).violations, `seed ${seed}`).toEqual([]);
    // the old FileDecisionLog.open, which did not sync what it replayed, fails seed 94
    expect(simulate({ ...fenced(), seed: 94, logSyncsOnOpen: false }).violations.length).toBeGreaterThan(0);
  });

  it('a participant that restarts between two operations of a tx never commits the later one without the earlier [reenlist-after-restart]', () => {
    // seed 29 failed before Enlist carried the participant's incarnation
    for (let seed = 1; seed <= 300; seed++) expect(simulate({ ...fenced(), seed }).violations, `seed ${seed}`).toEqual([]);
  });

  it('a repeated Commit of a forgotten branch never leaves an in-doubt branch behind [phantom-in-doubt]', () => {
    expect(simulate({ ...fenced(), seed: 3127, abortOfCommitted: 'refuse' }).violations).toEqual([]);
  });
});
