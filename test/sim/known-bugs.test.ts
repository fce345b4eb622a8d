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
  { bug: 'replay-unsynced', seedsMax: 1000, rule: 'a restarted coordinator re-drives only commit records that are durable' },
  { bug: 'presumed-abort-to-client', seedsMax: 1000, rule: 'a client whose Commit reply was lost is never told aborted for a tx that committed' },
  { bug: 'reenlist-after-restart', seedsMax: 1000, rule: 'a participant that restarts between two operations of a tx never commits the later one without the earlier' },
  { bug: 'phantom-in-doubt', seedsMax: 10_000, rule: 'a repeated Commit of a forgotten branch never leaves an in-doubt branch behind' },
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
