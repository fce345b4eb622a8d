import { Command, Option } from 'commander';
import { concurrencyMax, nonNegative, positive, wholeNumber } from './bench-options.js';

export interface ProfileOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: number;
  readonly uploadBytes: number;
  readonly top: number;
  readonly markdown: boolean;
  readonly logLevel: string;
  readonly keepDir: boolean;
  /** The coordinator's commit protocol (`twophase dev --commit-mode`). */
  readonly commitMode: 'two-phase' | 'last-resource';
}

/** More rows than this per process is no longer a summary: open the profile in DevTools instead. */
const topMax = 200;

/** Parses the command line of `npm run bench:profile`; prints help and exits on --help or a bad setting. */
export function parseProfileOptions(argv: readonly string[]): ProfileOptions {
  const program = new Command('npm run bench:profile --')
    .description(
      [
        'Profiles where twophase spends its CPU on uploads. Compiles the CLI (npm run build), then starts tsc\'s output of it (dist/cli/main.js, not the bundle npm start runs, so that frames name our modules), `twophase dev` in a temp dir on free ports (as `npm run bench` does; TWOPHASE_* variables of your shell are not passed to it) with every node child (postgres wrapper, coordinator, blob, metadata, gateway) run under `node --cpu-prof --cpu-prof-dir=<dir>/cpu-profiles/<child>` (dev\'s --cpu-prof-dir). It warms up, runs a closed loop of atomic uploads (TwoPhaseClient.uploadFile, unique path and random bytes each) for the measured window, then stops dev with SIGINT: dev stops each child with SIGTERM, and each writes its .cpuprofile as it exits. A child that had to be SIGKILLed writes none: the run names every child whose profile is missing, prints the rest, and exits 1.',
        'Then, per process, for the measured window only (start-up, warm-up and stop are in the raw profiles but not in the tables): the sampled CPU of its main thread (every sample but (idle)), the uploads completed in the window, CPU ms per upload, and its CPU from /proc (all threads: libuv pool, GC helpers, compiler), followed by the top frames by self time: self ms, % of that process\'s sampled CPU, function, location (path in the repo, node_modules/<package>/…, or node:…, and line). "(program)" (native code with no JS frame on the stack: the event loop\'s own work, V8 compiling), "(garbage collector)" and "(idle)" are rows of their own; (idle) is listed after the top frames and is not part of the % base. Locations in the repo are those of the compiled files under dist/ (tsc keeps them close to the source lines).',
        'The sampled time is wall time the main thread was not idle: on a machine with fewer cores than busy processes it includes waiting for a core, so compare it with the /proc column. The profiler itself costs each process about 6% of a core (at node\'s 1 ms sampling interval). Other threads write profiles of their own; they are noted when busy, not tabled. The bench client itself and the PostgreSQL server are not profiled (their /proc CPU is printed). A default run takes about 40 s.',
      ].join('\n\n'),
    )
    .addOption(new Option('--duration-s <seconds>', 'measured (profiled) window').default(15).argParser(positive('--duration-s')))
    .addOption(new Option('--warmup-s <seconds>', 'unmeasured load before the window (JIT, pools, caches)').default(2).argParser(nonNegative('--warmup-s')))
    .addOption(new Option('--concurrency <n>', 'uploads in flight at once').default(16).argParser(wholeNumber('--concurrency', 1, concurrencyMax)))
    .addOption(new Option('--upload-bytes <n>', 'size of each upload').default(4096).argParser(wholeNumber('--upload-bytes', 1, 64 * 1024 ** 2)))
    .addOption(new Option('--top <n>', 'frames listed per process, by self time').default(10).argParser(wholeNumber('--top', 1, topMax)))
    .addOption(new Option('--markdown', 'print the whole report, every table included, as markdown instead of plain text').default(false))
    .addOption(
      new Option('--log-level <level>', 'log level of the dev processes (their logging is part of what is profiled); warn, as `npm run bench` runs them, prints no info line but the lifecycle ones')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('warn'),
    )
    .addOption(
      new Option('--commit-mode <mode>', "the coordinator's commit protocol: two-phase (PREPARE TRANSACTION at the metadata participant) or last-resource (its one-phase COMMIT is the commit point)")
        .choices(['two-phase', 'last-resource'])
        .default('two-phase'),
    )
    .addOption(new Option('--keep-dir', 'keep the temp dir and print where: the raw .cpuprofile files (load one in Chrome DevTools, Performance panel) and the logs').default(false))
    .addHelpText('after', '\nExamples:\n  npm run bench:profile\n  npm run bench:profile -- --concurrency 64 --top 20 --markdown --keep-dir > profile.md\n  npm run bench:profile -- --commit-mode last-resource\n');
  program.parse([...argv], { from: 'user' });
  return program.opts<ProfileOptions>();
}
