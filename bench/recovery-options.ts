import { Command, Option } from 'commander';
import { limits } from '../lib/limits/limits.js';
import { wholeNumber } from './bench-options.js';

export interface RecoveryOptions {
  /** Committed-but-unacknowledged txs of the coordinator's log, and in-doubt branches of each participant. */
  readonly txs: number;
  /** Uploads in flight while the state is built. */
  readonly concurrency: number;
  readonly logLevel: string;
  readonly keepDir: boolean;
  readonly json: string | undefined;
}

/** Parses the command line of `npm run bench:recovery`; prints help and exits on --help or a bad setting. */
export function parseRecoveryOptions(argv: readonly string[]): RecoveryOptions {
  const program = new Command('npm run bench:recovery --')
    .description(
      [
        'Measures recovery after a crash, on this machine, with real processes over real gRPC: (1) a coordinator restarted on a decision log holding --txs committed txs that no participant acknowledged: the time from its spawn until GetOutcome answers `committed`, and until phase 2 is done for every tx (Admin.GetStats live_txs reaches 0); (2) each participant restarted with --txs in-doubt branches (prepared, decision commit, not applied): the time from its spawn until all are resolved (Admin.GetStats in_doubt reaches 0).',
        'The state is built with real uploads (TwoPhaseClient.uploadFile) while failpoints keep every Commit from being applied (the coordinator never sends one; a participant that asks hangs before it commits), then the coordinator and both participants are killed with SIGKILL. First compiles the CLI (npm run build) and runs it compiled; starts its own PostgreSQL (max_prepared_transactions raised to hold the branches), coordinator and participants in a temp dir on free ports; TWOPHASE_* variables of your shell are not passed on. A default run takes 2–4 minutes.',
      ].join('\n\n'),
    )
    .addOption(new Option('--txs <n>', `in-doubt txs (at most ${limits.branchesMax}, the branches one participant holds)`).default(10_000).argParser(wholeNumber('--txs', 1, limits.branchesMax)))
    .addOption(new Option('--concurrency <n>', 'uploads in flight while the state is built').default(32).argParser(wholeNumber('--concurrency', 1, 64)))
    .addOption(new Option('--log-level <level>', 'log level of the processes').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .addOption(new Option('--keep-dir', 'keep the temp data dir (logs, decision log, PostgreSQL) instead of deleting it').default(false))
    .addOption(new Option('--json <file>', 'also write the results as JSON to this file'))
    .addHelpText('after', '\nExamples:\n  npm run bench:recovery\n  npm run bench:recovery -- --txs 1000 --keep-dir\n');
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<{ txs: number; concurrency: number; logLevel: string; keepDir: boolean; json?: string }>();
  return { ...opts, json: opts.json };
}
