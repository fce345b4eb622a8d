import { Command, Option } from 'commander';
import type { ChaosReport } from '../chaos/run-chaos.js';

const allFaults = ['kill', 'partition', 'delay', 'drop', 'failpoint'] as const;

/** `twophase chaos`: a seeded fault-injection run against a system it starts itself. */
export function chaosCommand(): Command {
  return new Command('chaos')
    .description(
      'Fault-injection run: start the whole system (every link through a fault proxy), run a concurrent upload workload while killing processes (PostgreSQL included), partitioning and delaying links and arming failpoints, all drawn from --seed; then heal, wait for recovery and check the invariants. Exits 1 on any violation.',
    )
    .addOption(new Option('--seed <n>', 'seed of every random choice').default(String(Date.now() % 1_000_000)))
    .addOption(new Option('--duration <time>', 'how long faults and workload run, e.g. 60s or 2m').default('60s'))
    .addOption(new Option('--workers <n>', 'concurrent clients').default('8'))
    .addOption(new Option('--faults <kinds>', `comma-separated subset of ${allFaults.join(',')}`).default(allFaults.join(',')))
    .addOption(new Option('--recovery-bound <time>', 'recovery must finish within this after healing').default('60s'))
    .addOption(new Option('--arm <spec>', 'failpoints armed at start (TWOPHASE_FAILPOINTS grammar), e.g. to check that the checker catches a broken variant').default(''))
    .addOption(new Option('--report <file>', 'write the JSON report here (default chaos-report-<seed>.json)'))
    .addOption(new Option('--keep', 'keep the run directory (data and logs) even when the run passes'))
    .addOption(new Option('--runs <n>', 'run this many consecutive seeds, from --seed, and print totals').default('1'))
    .addOption(new Option('--parallel <n>', 'with --runs, how many runs at once (each starts its own system)').default('1'))
    .action(async (opts: { seed: string; duration: string; workers: string; faults: string; recoveryBound: string; arm: string; report?: string; keep?: boolean; runs: string; parallel: string }) => {
      const seed = Number(opts.seed);
      const workers = Number(opts.workers);
      const faults = opts.faults.split(',').map((f) => f.trim());
      if (!Number.isInteger(seed) || seed < 0) throw new Error(`invalid setting --seed: ${opts.seed} is not a whole number`);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new Error('invalid setting --workers: expected 1 to 256');
      const bad = faults.filter((f) => !(allFaults as readonly string[]).includes(f));
      if (bad.length > 0 || faults.length === 0) throw new Error(`invalid setting --faults: ${bad.join(',') || 'empty'}; expected a subset of ${allFaults.join(',')}`);
      const runs = Number(opts.runs);
      if (!Number.isInteger(runs) || runs < 1) throw new Error('invalid setting --runs: expected a whole number ≥ 1');
      const parallel = Number(opts.parallel);
      if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) throw new Error('invalid setting --parallel: expected 1 to 16');
      const durationMs = parseDuration(opts.duration, '--duration');
      const recoveryBoundMs = parseDuration(opts.recoveryBound, '--recovery-bound');
      const { runChaos, writeReport } = await import('../chaos/run-chaos.js');
      const totals = { runs: 0, failed: [] as number[], operations: 0, acknowledged: 0, faults: 0, restarts: 0, violations: 0, longestInDoubtMs: 0 };
      const campaignStarted = Date.now();
      let next = 0;
      const one = async (runSeed: number): Promise<void> => {
        const started = Date.now();
        const tag = runs > 1 ? `seed ${runSeed} ` : '';
        const say = (text: string): void => console.log(`[chaos ${tag}${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
        let r: Awaited<ReturnType<typeof runChaos>>;
        try {
          r = await runChaos({ seed: runSeed, durationMs, workers, recoveryBoundMs, faults: faults as (typeof allFaults)[number][], armAtStart: opts.arm, keepDir: opts.keep === true, say });
        } catch (err) {
          // a run that could not even be carried out (the system did not start) counts as failed, and the others go on
          console.log(`\nseed ${runSeed}: run failed: ${err instanceof Error ? err.message : String(err)}`);
          totals.runs += 1;
          totals.violations += 1;
          totals.failed.push(runSeed);
          return;
        }
        const reportPath = opts.report ?? `chaos-report-${r.seed}.json`;
        await writeReport(reportPath, r);
        console.log(summary(r, reportPath));
        totals.runs += 1;
        totals.operations += r.operations.total ?? 0;
        totals.acknowledged += r.operations.acknowledged ?? 0;
        totals.faults += r.faultLog.length;
        totals.restarts += Object.values(r.restarts).reduce((a, b) => a + b, 0);
        totals.violations += r.violations.length;
        totals.longestInDoubtMs = Math.max(totals.longestInDoubtMs, r.longestInDoubtMs);
        if (r.violations.length > 0) totals.failed.push(r.seed);
      };
      await Promise.all(
        Array.from({ length: Math.min(parallel, runs) }, async () => {
          while (next < runs) await one(seed + next++);
        }),
      );
      if (runs > 1) {
        totals.failed.sort((a, b) => a - b);
        console.log(
          `\ntotals: ${totals.runs} runs, ${totals.operations} operations (${totals.acknowledged} acknowledged), ${totals.faults} faults, ${totals.restarts} restarts, longest in doubt ${totals.longestInDoubtMs} ms, ${totals.violations} violations${totals.failed.length > 0 ? ` in seeds ${totals.failed.join(', ')}` : ''}; ${Math.round((Date.now() - campaignStarted) / 60_000)} min`,
        );
      }
      process.exit(totals.violations > 0 ? 1 : 0);
    });
}

function summary(r: ChaosReport, reportPath: string): string {
  const fmt = (rec: Record<string, number>): string => Object.entries(rec).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    '',
    `seed ${r.seed}, ${r.durationMs / 1000}s`,
    `operations      ${fmt(r.operations)}`,
    `statuses        ${fmt(r.statuses)}`,
    `faults          ${fmt(r.faults)}`,
    `restarts        ${fmt(r.restarts)}`,
    `longest in doubt ${r.longestInDoubtMs} ms; recovered ${r.recoveredInMs} ms after healing`,
    `violations      ${r.violations.length}`,
    ...r.violations.map((v) => `  ${v.invariant}: ${v.detail}`),
    `report          ${reportPath}${r.dir === undefined ? '' : `; data and logs kept in ${r.dir}`}`,
    `replay          ${r.replay}`,
  ].join('\n');
}

function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new Error(`invalid setting ${flag}: ${text} is not a duration like 500ms, 60s or 2m`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1_000);
}
