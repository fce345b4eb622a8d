/**
 * Deterministic simulation of the real protocol cores (test/sim/README.md).
 *
 *   npm run sim                         1000 seeds, totals
 *   npm run sim -- --seeds 100000       a long run, on a worker thread per core (--jobs N)
 *   npm run sim -- --commit-mode last-resource   pb's one-phase COMMIT is the commit point
 *   npm run sim -- --decision-log shared         3 coordinators on one shared decision log (--coordinators 2..4)
 *   npm run sim -- --seed 42            replay one seed and print its trace
 *   npm run sim -- --mutant presumedCommit --seeds 2000
 *   npm run sim -- --from 5000 --seeds 100            seeds 5000..5099
 *   npm run sim -- --revert replay-unsynced --seeds 100   the old behaviour of a fixed bug
 *   npm run sim -- --outcome-retention-ms 100 --rm-fail-rate 0.2   a coordinator that forgets fast, flaky storage
 *   npm run sim -- --finished-tx-max 10                          a coordinator that may remember only a few outcomes
 *   npm run sim -- --fence all --unfence <bug>        step around every known, unfixed bug but one (none is open)
 *
 * A failing seed is printed with its first violation; `--seed N` (with the same other
 * flags) replays it exactly.
 */
import { parseArgs } from 'node:util';
import {
  commitModes,
  decisionLogKinds,
  fenced,
  sharedCoordinatorsDefault,
  sharedCoordinatorsMax,
  sharedCoordinatorsMin,
  fixedBugNames,
  knownBugNames,
  mutantNames,
  reverted,
  type CommitMode,
  type DecisionLogKind,
  type FixedBug,
  type KnownBug,
  type MutantName,
  type SimOptions,
} from './sim-options.js';
import { runSeeds, type SeedTotals } from './run-seeds.js';
import { defaultJobs, runSeedsInParallel } from './run-seeds-parallel.js';
import { simulate } from './simulate.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    from: { type: 'string' },
    mutant: { type: 'string' },
    fence: { type: 'string' },
    unfence: { type: 'string' },
    /** Bring back the old behaviour of fixed bugs (sim-options.ts `fixedBugs`): a name, a comma list, or all. */
    revert: { type: 'string' },
    'outcome-retention-ms': { type: 'string' },
    'finished-tx-max': { type: 'string' },
    'rm-fail-rate': { type: 'string' },
    /** Stop after this many failing seeds (default: run them all, print the first 20); with several --jobs, the blocks of seeds already running finish. */
    'max-failures': { type: 'string' },
    /** Worker threads running seeds (default: one per core); 1 runs them in this thread. */
    jobs: { type: 'string' },
    /** two-phase (default) or last-resource: pb's one-phase COMMIT is the commit point. */
    'commit-mode': { type: 'string' },
    /** file (default: one coordinator on its FileDecisionLog) or shared: several coordinators on one simulated database. */
    'decision-log': { type: 'string' },
    /** With --decision-log shared: how many coordinators (2 to 4, default 3). */
    coordinators: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    /** Keep simulating after the first violation (to see where it leads). */
    'keep-going': { type: 'boolean', default: false },
  },
});

function nameList<Name extends string>(flag: string, text: string | undefined, known: readonly Name[]): Name[] {
  if (text === undefined || text === '') return [];
  if (text === 'all') return [...known];
  const names = text.split(',');
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) {
      console.error(`--${flag}: unknown bug ${name}; one of: all${known.length === 0 ? ' (none is open now)' : `, ${known.join(', ')}`}`);
      process.exit(2);
    }
  }
  return names as Name[];
}

function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${flag}: not a number ≥ 0: ${text}`);
    process.exit(2);
  }
  return value;
}

const commitMode = (values['commit-mode'] ?? 'two-phase') as CommitMode;
if (!commitModes.includes(commitMode)) {
  console.error(`--commit-mode: one of ${commitModes.join(', ')}, got ${commitMode}`);
  process.exit(2);
}
const decisionLog = (values['decision-log'] ?? 'file') as DecisionLogKind;
if (!decisionLogKinds.includes(decisionLog)) {
  console.error(`--decision-log: one of ${decisionLogKinds.join(', ')}, got ${decisionLog}`);
  process.exit(2);
}
if (decisionLog === 'shared' && commitMode === 'last-resource') {
  console.error('--decision-log shared is for two-phase mode only (as --decision-log postgres://… is refused with a last resource)');
  process.exit(2);
}
const coordinators = values.coordinators === undefined ? undefined : Number(values.coordinators);
if (coordinators !== undefined && (decisionLog !== 'shared' || !Number.isSafeInteger(coordinators) || coordinators < sharedCoordinatorsMin || coordinators > sharedCoordinatorsMax)) {
  console.error(`--coordinators: ${sharedCoordinatorsMin} to ${sharedCoordinatorsMax}, with --decision-log shared only (default ${sharedCoordinatorsDefault})`);
  process.exit(2);
}
const mutant = values.mutant as MutantName | undefined;
if (mutant !== undefined && !(mutantNames as readonly string[]).includes(mutant)) {
  console.error(`unknown mutant ${mutant}; one of: ${mutantNames.join(', ')}`);
  process.exit(2);
}
const unfenced = nameList<KnownBug>('unfence', values.unfence, knownBugNames);
const fences = nameList<KnownBug>('fence', values.fence, knownBugNames).filter((bug) => !unfenced.includes(bug));
const reverts = nameList<FixedBug>('revert', values.revert, fixedBugNames);
const outcomeRetentionMs = numberFlag('outcome-retention-ms', values['outcome-retention-ms']);
const rmFailRate = numberFlag('rm-fail-rate', values['rm-fail-rate']);
const finishedTxMax = numberFlag('finished-tx-max', values['finished-tx-max']);
const fenceOptions = fenced(fences);
const common: Omit<SimOptions, 'seed'> = {
  ...fenceOptions,
  ...reverted(reverts),
  ...(outcomeRetentionMs === undefined ? {} : { outcomeRetentionMs }),
  ...(finishedTxMax === undefined ? {} : { finishedTxMax }),
  scenario: { ...fenceOptions.scenario, ...(rmFailRate === undefined ? {} : { rmFailRate }) },
  mutant,
  commitMode,
  ...(decisionLog === 'file' ? {} : { decisionLog, coordinators: coordinators ?? sharedCoordinatorsDefault }),
  continueAfterViolation: values['keep-going'],
};
const label = [
  commitMode === 'two-phase' ? '' : ` ${commitMode}`,
  decisionLog === 'file' ? '' : ` shared log, ${coordinators ?? sharedCoordinatorsDefault} coordinators`,
  mutant === undefined ? '' : ` mutant ${mutant}`,
  fences.length === 0 ? '' : ` fenced ${fences.join(',')}`,
  reverts.length === 0 ? '' : ` reverted ${reverts.join(',')}`,
  outcomeRetentionMs === undefined ? '' : ` outcome retention ${outcomeRetentionMs} ms`,
  rmFailRate === undefined ? '' : ` rm fail rate ${rmFailRate}`,
  finishedTxMax === undefined ? '' : ` finished tx max ${finishedTxMax}`,
].join('');

if (values.seed !== undefined) {
  const seed = Number(values.seed);
  const result = await simulate({ ...common, seed, trace: (line) => console.log(line) });
  console.log(`seed ${seed}${label}: scenario ${JSON.stringify(result.scenario)}`);
  if (result.sharedScenario !== undefined) console.log(`seed ${seed}: shared log ${JSON.stringify(result.sharedScenario)}`);
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
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isSafeInteger(jobs) || jobs < 1) {
    console.error(`--jobs: a whole number ≥ 1, got ${values.jobs}`);
    process.exit(2);
  }
  let printed = 0;
  const totals = await (jobs === 1 ? runSeeds : (o: Parameters<typeof runSeeds>[0]) => runSeedsInParallel({ ...o, jobs }))({
    ...common,
    from,
    count,
    maxFailures,
    onFailure: (r) => {
      if (printed++ < 20) console.log(`FAIL seed ${r.seed}: ${r.violations[0]}${r.violations.length > 1 ? ` (+${r.violations.length - 1} more)` : ''}`);
    },
    onProgress: values.quiet ? undefined : (done: number, t: SeedTotals) => process.stderr.write(`\r${done}/${count} seeds, ${t.txs} txs, ${Math.round(t.txs / (t.wallMs / 1000))} txs/s   `),
  });
  if (!values.quiet) process.stderr.write('\n');
  const wallS = totals.wallMs / 1000;
  console.log(
    [
      `seeds ${totals.seeds} (${from}..${from + totals.seeds - 1})${label}`,
      `simulated txs ${totals.txs}: committed ${totals.committed}, aborted ${totals.aborted}`,
      `crashes ${totals.crashes} (power losses: coordinator ${totals.machineCrashes}, blob participant ${totals.blobMachineCrashes}), heuristic rollbacks ${totals.heuristicRollbacks}`,
      `messages ${totals.messages}: dropped ${totals.dropped}, duplicated ${totals.duplicated}; partitions ${totals.partitions}`,
      ...(decisionLog === 'file'
        ? []
        : [
            `shared log: ${totals.dbStatements} statements, ${totals.dbFailures} failed (${totals.dbAmbiguous} committed with the answer lost), ${totals.dbOutages} database outages; ${totals.settles} settles, ${totals.commitsLost} commits refused as taken`,
            `coordinators: ${totals.pauses} pauses, ${totals.lostCoordinators} lost for good`,
          ]),
      `core steps: coordinator ${totals.coordinatorSteps}, participants ${totals.participantSteps}; events ${totals.events}`,
      `simulated time ${(totals.simulatedMs / 1000).toFixed(0)} s; slowest heal-to-quiescence ${totals.quiesceMsMax.toFixed(0)} ms`,
      `wall time ${wallS.toFixed(2)} s on ${jobs} thread(s): ${Math.round(totals.txs / wallS)} simulated txs/s, ${Math.round(totals.seeds / wallS)} seeds/s`,
      `failing seeds ${totals.failures.length}${totals.failures.length > 0 ? `: ${totals.failures.slice(0, 20).join(' ')}` : ''}`,
    ].join('\n'),
  );
  if (totals.failures.length > 0) process.exitCode = 1;
}
