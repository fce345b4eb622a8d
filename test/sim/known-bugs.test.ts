import { describe, expect, it } from 'vitest';
import { fenced } from './sim-options.js';
import { simulate } from './simulate.js';

/**
 * A protocol bug the simulator finds and that cannot be fixed at once gets a fence in
 * `knownBugs` (sim-options.ts) and an `it.fails` here that lifts only that fence; none is
 * open now.
 *
 *   npm run sim -- --fence all --unfence <bug> --seeds 3000     finds the failing seeds
 *   npm run sim -- --fence all --unfence <bug> --seed <seed>    prints one trace
 */
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

  it('a client whose Commit reply was lost is never told aborted for a tx that committed [presumed-abort-to-client]', () => {
    // with the log reclaiming ended segments at once and the client trusting any presumed abort,
    // seeds in this range fail (71 and 48, among others)
    for (let seed = 1; seed <= 300; seed++) expect(simulate({ ...fenced(), seed }).violations, `seed ${seed}`).toEqual([]);
  });

  it('a repeated Commit of a forgotten branch never leaves an in-doubt branch behind [phantom-in-doubt]', () => {
    expect(simulate({ ...fenced(), seed: 3127, abortOfCommitted: 'refuse' }).violations).toEqual([]);
  });
});
