import { Command, InvalidArgumentError, Option } from 'commander';
import { limits } from '../lib/limits/limits.js';

export interface BenchOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: readonly number[];
  readonly uploadBytes: number;
  readonly opsMax: number;
  readonly json: string | undefined;
  readonly logLevel: string;
  readonly keepDir: boolean;
  /** Runs of each system per level, alternated (baseline, twophase, baseline, twophase, …). */
  readonly repeat: number;
  /** The coordinator's commit protocol (`twophase dev --commit-mode`). */
  readonly commitMode: 'two-phase' | 'last-resource';
  /** The coordinator's decision log (`twophase dev --decision-log`): its data dir's file, or a table of dev's PostgreSQL. */
  readonly decisionLog: 'file' | 'shared';
  /** Measure each concurrency level through the SDK (off with `--no-sdk`). */
  readonly sdk: boolean;
  /** Measure each concurrency level through the HTTP gateway too, against a naive HTTP server. */
  readonly gateway: boolean;
  /** Size of the one large streamed upload measured against the disk's raw rate; undefined: none. */
  readonly largeUploadBytes: number | undefined;
}

/** Concurrency above this would need more PostgreSQL connections than dev's cluster allows (100). */
export const concurrencyMax = 64;
/** A large upload smaller than this measures its latency, not a rate. */
export const largeUploadBytesMin = 1024 ** 2;

/**
 * Parses the command line of `npm run bench`. On --help or a bad setting it prints and
 * exits; with `exit: false` it throws commander's CommanderError instead, printing nothing.
 */
export function parseBenchOptions(argv: readonly string[], { exit = true }: { exit?: boolean } = {}): BenchOptions {
  const program = new Command('npm run bench --')
    .description(
      [
        'Measures atomic uploads through twophase (TwoPhaseClient.uploadFile against `twophase dev`: embedded PostgreSQL, coordinator, blob and metadata participants) against a naive non-atomic upload (file + fsync + directory fsync, then one autocommit INSERT into the same PostgreSQL), at each concurrency level, on this machine, in one run. Prints tx/s, p50/p99 latency, the twophase/baseline ratio, the coordinator\'s committed txs per fdatasync, and the CPU each process used.',
        'First compiles the CLI (npm run build: tsc, then the bundle) and runs the bundle, as npm start does. Starts and stops its own `twophase dev --admin` in a temp dir on free ports; TWOPHASE_* variables of your shell are not passed to it. Besides tx/s, latency and CPU per process, it prints per upload what each process counted itself (Admin.GetStats over the measured window: gRPC calls served, Link calls sent and served, fsyncs). A default run (3 alternated runs per level) takes about 4 minutes.',
        'Three parts, each optional: the SDK levels (on unless --no-sdk); with --gateway, the same levels through HTTP: PUT /v1/files/… to the gateway against a naive node:http server (its own process) that writes the body to a file as it arrives, fsyncs it and its directory and does one autocommit INSERT, both over keep-alive connections, one per client; with --large-upload-bytes N, ONE upload of N bytes streamed through TwoPhaseClient.uploadFile against the raw rate of the same disk (N bytes written in 1 MiB chunks + fdatasync, measured just before), with the peak RSS of every process during it, against the goal: at least 0.8x the raw rate, every twophase process and the bench client under 150 MB.',
      ].join('\n\n'),
    )
    .addOption(new Option('--duration-s <seconds>', 'measured time per system and level').default(10).argParser(positive('--duration-s')))
    .addOption(new Option('--warmup-s <seconds>', 'unmeasured time before each measured window').default(2).argParser(nonNegative('--warmup-s')))
    .addOption(new Option('--concurrency <list>', `comma-separated in-flight upload counts (each 1..${concurrencyMax})`).default([1, 16, 64], '1,16,64').argParser(levels))
    .addOption(new Option('--upload-bytes <n>', 'size of each upload').default(4096).argParser(wholeNumber('--upload-bytes', 1, 64 * 1024 ** 2)))
    .addOption(new Option('--ops-max <n>', 'uploads started per system and level at most (bounds disk use)').default(200_000).argParser(wholeNumber('--ops-max', 1, 10_000_000)))
    .addOption(new Option('--json <file>', 'also write the results as JSON to this file'))
    .addOption(
      new Option('--log-level <level>', 'log level of the dev processes (`twophase dev --log-level`); at warn they print no info line but their lifecycle ones')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('warn'),
    )
    .addOption(
      new Option('--repeat <n>', 'runs of each system per level, alternated baseline, twophase, baseline, twophase…; the table shows the run of median tx/s and the ratio of the medians').default(3).argParser(wholeNumber('--repeat', 1, 20)),
    )
    .addOption(
      new Option('--commit-mode <mode>', 'the coordinator\'s commit protocol: two-phase (PREPARE TRANSACTION at the metadata participant) or last-resource (its one-phase COMMIT is the commit point)')
        .choices(['two-phase', 'last-resource'])
        .default('two-phase'),
    )
    .addOption(
      new Option('--decision-log <log>', "the coordinator's decision log: file (fdatasync in its data dir) or shared (rows in dev's PostgreSQL, as coordinators sharing one would write them; two-phase only)")
        .choices(['file', 'shared'])
        .default('file'),
    )
    .addOption(new Option('--no-sdk', 'skip the levels through the SDK (to run only --gateway or --large-upload-bytes)'))
    .addOption(new Option('--gateway', 'also measure every --concurrency level through the HTTP gateway (PUT /v1/files/…) against a naive HTTP upload server').default(false))
    .addOption(
      new Option('--large-upload-bytes <n>', `also measure ONE upload of n bytes streamed through the SDK against the disk's raw rate, with every process's peak RSS (e.g. 1073741824; ${largeUploadBytesMin}..${limits.blobObjectBytesMax}, the blob store's object limit)`).argParser(
        wholeNumber('--large-upload-bytes', largeUploadBytesMin, limits.blobObjectBytesMax),
      ),
    )
    .addOption(new Option('--keep-dir', "keep the temp data dir (logs, decision log, PostgreSQL) instead of deleting it").default(false))
    .addHelpText(
      'after',
      '\nExamples:\n  npm run bench\n  npm run bench -- --duration-s 5 --concurrency 1,8 --repeat 1 --json bench-result.json\n  npm run bench -- --commit-mode last-resource\n  npm run bench -- --gateway\n  npm run bench -- --gateway --no-sdk --concurrency 16\n  npm run bench -- --no-sdk --large-upload-bytes 1073741824\n',
    );
  if (!exit) program.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<{
    durationS: number;
    warmupS: number;
    concurrency: number[];
    uploadBytes: number;
    opsMax: number;
    json?: string;
    logLevel: string;
    keepDir: boolean;
    repeat: number;
    commitMode: 'two-phase' | 'last-resource';
    decisionLog: 'file' | 'shared';
    sdk: boolean;
    gateway: boolean;
    largeUploadBytes?: number;
  }>();
  if (opts.decisionLog === 'shared' && opts.commitMode === 'last-resource') program.error('error: --decision-log shared is for two-phase commit, not --commit-mode last-resource', { exitCode: 2 });
  if (!opts.sdk && !opts.gateway && opts.largeUploadBytes === undefined) program.error('error: --no-sdk leaves nothing to measure: add --gateway or --large-upload-bytes', { exitCode: 2 });
  return { ...opts, json: opts.json, largeUploadBytes: opts.largeUploadBytes };
}

/** A commander parser of a number of seconds in (0, 3600] for `flag`. */
export function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError(`${flag} must be a number of seconds in (0, 3600], not ${value}`);
    return n;
  };
}

/** A commander parser of a number of seconds in [0, 3600] for `flag`. */
export function nonNegative(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 3600) throw new InvalidArgumentError(`${flag} must be a number of seconds in [0, 3600], not ${value}`);
    return n;
  };
}

/** A commander parser of a whole number in [min, max] for `flag`. */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a whole number in [${min}, ${max}], not ${value}`);
    return n;
  };
}

function levels(value: string): number[] {
  const list = value.split(',').map((part) => Number(part.trim()));
  if (list.length === 0 || list.some((n) => !Number.isSafeInteger(n) || n < 1 || n > concurrencyMax)) {
    throw new InvalidArgumentError(`--concurrency must list whole numbers in [1, ${concurrencyMax}], not ${value}`);
  }
  return list;
}
