import { Command, Option } from 'commander';
import { runSyncSoak } from './sync-soak.js';

/** `npm run sync:soak`: the folder-sync soak run (test/sync/sync-soak.ts), with a report. */
const program = new Command('npm run sync:soak --')
  .description(
    'Two `twophase sync` clients on two folders of one namespace and a writer on the HTTP API, through random creates, edits, renames and deletes (some concurrent on one file) while the coordinator and a participant are SIGKILLed; then checks that both folders converge to the server, that every write is on the server (as a revision or a conflicted copy), and that no path written by one writer only ever got a conflicted copy. Exits 1 on any violation.',
  )
  .addOption(new Option('--seed <n>', 'seed of the random choices').default('1'))
  .addOption(new Option('--files <n>', 'distinct paths (a quarter shared by the three writers, the rest private to one)').default('1000'))
  .addOption(new Option('--ops <n>', 'operations in all').default('3000'))
  .addOption(new Option('--op-gap-ms <ms>', 'pause between operations').default('15'))
  .addOption(new Option('--kills <n>', 'SIGKILLs during the run: the coordinator, then a participant, alternately').default('4'))
  .addOption(new Option('--json <file>', 'also write the report as JSON'))
  .action(async (opts: { seed: string; files: string; ops: string; opGapMs: string; kills: string; json?: string }) => {
    const num = (name: string, v: string, min: number): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (given ${JSON.stringify(v)})`);
      return n;
    };
    const started = Date.now();
    const report = await runSyncSoak({ seed: num('seed', opts.seed, 0), files: num('files', opts.files, 16), ops: num('ops', opts.ops, 1), opGapMs: num('op-gap-ms', opts.opGapMs, 0), kills: num('kills', opts.kills, 0), log: (line) => console.log(line) });
    console.log(JSON.stringify(report, null, 2));
    if (opts.json !== undefined) await import('node:fs/promises').then((fs) => fs.writeFile(opts.json as string, JSON.stringify(report, null, 2)));
    console.log(`[soak] seed ${report.seed}: ${report.writes} writes, ${Object.values(report.ops).reduce((a, b) => a + b, 0)} ops, kills: ${report.kills.join(', ') || 'none'}; converged ${report.diverged.length === 0 ? `after ${report.convergedAfterMs} ms` : 'NOT'}; ${report.serverFiles} files on the server, ${report.conflictedCopies} conflicted copies (${report.conflictedCopiesOfPrivatePaths.length} of private paths); ${report.lostWrites.length} writes lost, ${report.excusedWrites} replaced by their writer during a kill; ${report.violations} violations; ${Math.round((Date.now() - started) / 1000)} s`);
    process.exitCode = report.violations === 0 ? 0 : 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
