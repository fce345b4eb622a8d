/**
 * Deterministic simulation of the real protocol cores.
 *
 *   npm run sim                         1000 seeds, totals
 *   npm run sim -- --seeds 100000       a long run
 *   npm run sim -- --seed 42            replay one seed and print its trace
 *   npm run sim -- --mutant presumedCommit --seeds 2000
 *   npm run sim -- --from 5000 --seeds 100            seeds 5000..5099
 *   npm run sim -- --fence all                         step around every known, unfixed bug
 *   npm run sim -- --fence all --unfence replay-unsynced --seed 5   one of them alone
 *
 * Known bugs (test/sim/README.md): replay-unsynced, presumed-abort-to-client,
 * reenlist-after-restart, phantom-in-doubt. A failing seed is printed with its first
 * violation; `--seed N` (with the same --fence/--mutant) replays it exactly.
 */
import { parseArgs } from 'node:util';
import { fenced, knownBugNames, mutantNames, type KnownBug, type MutantName, type SimOptions } from './sim-options.js';
import { runSeeds } from './run-seeds.js';
import { simulate } from './simulate.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    from: { type: 'string' },
    mutant: { type: 'string' },
    fence: { type: 'string' },
    unfence: { type: 'string' },
    /** Stop after this many failing seeds (default: run them all, print the first 20). */
    'max-failures': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    /** Keep simulating after the first violation (to see where it leads). */
    'keep-going': { type: 'boolean', default: false },
  },
});

function bugList(text: string | undefined): KnownBug[] {
  if (text === undefined || text === '') return [];
  if (text === 'all') return [...knownBugNames];
  const names = text.split(',');
  for (const name of names) {
    if (!(knownBugNames as readonly string[]).includes(name)) {
      console.error(`unknown bug ${name}; one of: all, ${knownBugNames.join(', ')}`);
      process.exit(2);
    }
  }
  return names as KnownBug[];
}

const mutant = values.mutant as MutantName | undefined;
if (mutant !== undefined && !(mutantNames as readonly string[]).includes(mutant)) {
  console.error(`unknown mutant ${mutant}; one of: ${mutantNames.join(', ')}`);
  process.exit(2);
}
const unfenced = bugList(values.unfence);
const fences = bugList(values.fence).filter((bug) => !unfenced.includes(bug));
const common: Omit<SimOptions, 'seed'> = { ...fenced(fences), mutant, continueAfterViolation: values['keep-going'] };
const label = `${mutant === undefined ? '' : ` mutant ${mutant}`}${fences.length === 0 ? '' : ` fenced ${fences.join(',')}`}`;

if (values.seed !== undefined) {
  const seed = Number(values.seed);
  const result = simulate({ ...common, seed, trace: (line) => console.log(line) });
  console.log(`seed ${seed}${label}: scenario ${JSON.stringify(result.scenario)}`);
  console.log(`seed ${seed}: ${JSON.stringify(result.stats)}`);
  if (result.violations.length === 0) {
    console.log(`seed ${seed}: ok`);
  } else {
    for (const v of result.violations) console.log(`seed ${seed}: VIOLATION ${v}`);
    process.exitCode = 1;
  }
} else {
  const count = Number(values.seeds ?? 1000);
  const from = Number(values.from ?? 1);
  const maxFailures = values['max-failures'] === undefined ? undefined : Number(values['max-failures']);
  let printed = 0;
  const totals = runSeeds({
    ...common,
    from,
    count,
    maxFailures,
    onFailure: (r) => {
      if (printed++ < 20) console.log(`FAIL seed ${r.seed}: ${r.violations[0]}${r.violations.length > 1 ? ` (+${r.violations.length - 1} more)` : ''}`);
    },
    onProgress: values.quiet ? undefined : (done, t) => process.stderr.write(`\r${done}/${count} seeds, ${t.txs} txs, ${Math.round(t.txs / (t.wallMs / 1000))} txs/s   `),
  });
  if (!values.quiet) process.stderr.write('\n');
  const wallS = totals.wallMs / 1000;
  console.log(
    [
      `seeds ${totals.seeds} (${from}..${from + totals.seeds - 1})${label}`,
      `simulated txs ${totals.txs}: committed ${totals.committed}, aborted ${totals.aborted}`,
      `crashes ${totals.crashes} (coordinator power losses ${totals.machineCrashes}), heuristic rollbacks ${totals.heuristicRollbacks}`,
      `messages ${totals.messages}: dropped ${totals.dropped}, duplicated ${totals.duplicated}; partitions ${totals.partitions}`,
      `core steps: coordinator ${totals.coordinatorSteps}, participants ${totals.participantSteps}; events ${totals.events}`,
      `simulated time ${(totals.simulatedMs / 1000).toFixed(0)} s; slowest heal-to-quiescence ${totals.quiesceMsMax.toFixed(0)} ms`,
      `wall time ${wallS.toFixed(2)} s: ${Math.round(totals.txs / wallS)} simulated txs/s, ${Math.round(totals.seeds / wallS)} seeds/s`,
      `failing seeds ${totals.failures.length}${totals.failures.length > 0 ? `: ${totals.failures.slice(0, 20).join(' ')}` : ''}`,
    ].join('\n'),
  );
  if (totals.failures.length > 0) process.exitCode = 1;
}
