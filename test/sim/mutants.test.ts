import { afterAll, describe, expect, it } from 'vitest';
import { fenced, mutantNames, mutantOptions, type MutantName } from './sim-options.js';
import { simulate } from './simulate.js';

/**
 * Each wrong variant of the protocol (sim-options.ts, `mutantNames`) must be caught by the
 * simulator within a bounded number of seeds, on a seed that the correct protocol passes.
 */
const seedsMax = 3000;
const found = new Map<MutantName, { seeds: number; violation: string }>();

describe('the simulator catches wrong protocols', () => {
  for (const mutant of mutantNames) {
    it(`catches ${mutant} within ${seedsMax} seeds`, async () => {
      for (let seed = 1; seed <= seedsMax; seed++) {
        const world = mutantOptions[mutant] ?? {};
        const r = await simulate({ ...fenced(), ...world, mutant, seed });
        if (r.violations.length === 0) continue;
        found.set(mutant, { seeds: seed, violation: r.violations[0]! });
        // the seed fails because of the mutant, not the environment
        expect((await simulate({ ...fenced(), ...world, seed })).violations).toEqual([]);
        return;
      }
      expect.fail(`${mutant} survived ${seedsMax} seeds`);
    });
  }

  afterAll(() => {
    const lines = [...found].map(([m, f]) => `  ${m.padEnd(24)} → ${String(f.seeds).padStart(4)} seeds to first failure: ${f.violation.slice(0, 140)}`);
    console.log(`mutant → seeds to first failure\n${lines.join('\n')}`);
  });
});
