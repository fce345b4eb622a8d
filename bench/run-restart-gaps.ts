/**
 * `npm run bench:restart`: how long uploads stop succeeding when one process of
 * `npm start` is SIGKILLed under a steady load. See `npm run bench:restart -- --help`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { compileCli, DevSystem } from './dev-system.js';
import { benchRun } from './bench-run.js';
import { machineInfo } from './machine-info.js';
import { textTable } from '../lib/text-table/text-table.js';

const progress = (text: string): void => void process.stderr.write(`[bench:restart] ${text}\n`);

/** The processes killed, and the gap each may leave: PostgreSQL's crash recovery is its own. */
const targets = [
  { name: 'coordinator', goalMs: 1_000 },
  { name: 'blob', goalMs: 1_000 },
  { name: 'metadata', goalMs: 1_000 },
  { name: 'gateway', goalMs: 1_000 },
  { name: 'postgres', goalMs: 3_000 },
] as const;
type Target = (typeof targets)[number]['name'];

/** One upload's deadline: longer than any gap measured, shorter than a stuck run. */
const uploadTimeoutMs = 10_000;
/** How long a kill is watched for the first upload that succeeds after it. */
const gapBoundMs = 60_000;

interface Options {
  concurrency: number;
  kills: number;
  settleMs: number;
  logLevel: string;
  json?: string;
  keepDir: boolean;
  standby: boolean;
}

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} is a whole number from 1 to ${max}`);
    return n;
  };
}

function parseOptions(argv: string[]): Options {
  const program = new Command('npm run bench:restart --')
    .description(
      [
        'Starts `twophase dev` (compiled, as `npm start` runs it) in a temp dir on free ports, puts a steady load of 4 KiB',
        'uploads on its HTTP gateway (--concurrency loops, each PUT with Content-Length and X-Content-SHA256, the next',
        'one as soon as one ends, failed or not), then SIGKILLs each process in turn, --kills times each: the coordinator,',
        'the blob and metadata participants, the gateway (dev restarts each), and the PostgreSQL server itself (the',
        "postmaster: a crash of the database; dev's wrapper sees it and starts it again, with crash recovery). Between",
        'kills it waits until uploads have succeeded for --settle-ms.',
        '',
        'For each kill it prints the gap: from the SIGKILL to the end of the first upload that began after it and',
        'succeeded. Goal: within 1 s for every twophase process, 3 s for PostgreSQL. Uploads in flight at the kill may',
        'fail (their fate, committed or not, is for the failure semantics to say); the failures are counted.',
      ].join('\n'),
    )
    .addOption(new Option('--concurrency <n>', 'uploads in flight').default(4).argParser(positiveInt('--concurrency', 64)))
    .addOption(new Option('--kills <n>', 'SIGKILLs of each process').default(3).argParser(positiveInt('--kills', 50)))
    .addOption(new Option('--settle-ms <ms>', 'uploads succeed for this long before each kill').default(2_000).argParser(positiveInt('--settle-ms', 600_000)))
    .addOption(new Option('--log-level <level>', 'log level of the dev processes').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('warn'))
    .addOption(new Option('--no-standby', 'run dev with --no-standby: every restart starts a process cold (by default dev promotes a loaded standby)'))
    .addOption(new Option('--json <file>', 'also write the results as JSON to this file'))
    .addOption(new Option('--keep-dir', 'keep the temp data dir (logs) instead of deleting it').default(false))
    .addHelpText('after', '\nExamples:\n  npm run bench:restart\n  npm run bench:restart -- --kills 10 --concurrency 16 --json restart.json')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .parse(argv, { from: 'user' });
  return program.opts<Options>();
}

/** Uploads in closed loops; keeps the end time of every success, with its start. */
class UploadLoad {
  readonly successes: { startedMs: number; endedMs: number }[] = [];
  failures = 0;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly url: string;

  constructor(http: string, concurrency: number) {
    this.url = `http://${http}/v1/files/restart`;
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop(i));
  }

  private async loop(worker: number): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const content = randomBytes(4096);
      const startedMs = performance.now();
      try {
        const res = await fetch(`${this.url}/w${worker}/${n}.bin`, {
          method: 'PUT',
          body: content,
          headers: { 'content-type': 'application/octet-stream', 'x-content-sha256': createHash('sha256').update(content).digest('hex') },
          signal: AbortSignal.timeout(uploadTimeoutMs),
        });
        await res.arrayBuffer();
        if (res.status === 201 || res.status === 200) this.successes.push({ startedMs, endedMs: performance.now() });
        else this.failures++;
      } catch {
        this.failures++;
        // a refused connection fails at once: do not spin
        await sleep(10);
      }
    }
  }

  /** The end of the first success that began at or after `t`, if any yet. */
  firstSuccessAfter(t: number): number | undefined {
    let first: number | undefined;
    for (let i = this.successes.length - 1; i >= 0; i--) {
      const s = this.successes[i];
      if (s === undefined || s.endedMs < t) break;
      if (s.startedMs >= t && (first === undefined || s.endedMs < first)) first = s.endedMs;
    }
    return first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

interface Kill {
  readonly process: Target;
  readonly pid: number;
  /** Kill to the first success that began after it; undefined when none came within gapBoundMs. */
  readonly gapMs: number | undefined;
  /** Kill to dev's `<name> ready` line for the restarted child (undefined when not seen before the gap ended). */
  readonly readyAfterMs: number | undefined;
  readonly failedUploads: number;
}

async function pidOf(system: DevSystem, target: Target): Promise<number> {
  if (target === 'postgres') return Number((await readFile(system.postmasterPidFile, 'utf8')).split('\n')[0]);
  const pids = JSON.parse(await readFile(system.pidsFile, 'utf8')) as Record<string, number | undefined>;
  const pid = pids[target];
  if (pid === undefined) throw new Error(`dev records no pid for ${target}`);
  return pid;
}

/** Waits until uploads have kept succeeding for `settleMs` (none failed meanwhile). */
async function settle(load: UploadLoad, settleMs: number): Promise<void> {
  const giveUpAt = performance.now() + gapBoundMs * 2;
  for (;;) {
    const failures = load.failures;
    const from = performance.now();
    await sleep(settleMs);
    if (load.failures === failures && load.firstSuccessAfter(from) !== undefined) return;
    if (performance.now() > giveUpAt) throw new Error(`uploads did not succeed steadily for ${settleMs} ms within ${gapBoundMs * 2} ms`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const date = new Date().toISOString();
  const machine = machineInfo(benchRun.repoDir);
  compileCli(progress);
  progress('starting twophase dev…');
  const system = await DevSystem.start({ logLevel: options.logLevel, startTimeoutMs: 180_000, standby: options.standby });
  progress(`running in ${system.dir}`);
  const load = new UploadLoad(system.http, options.concurrency);
  const kills: Kill[] = [];
  try {
    await settle(load, options.settleMs);
    for (const { name } of targets) {
      for (let k = 0; k < options.kills; k++) {
        const pid = await pidOf(system, name);
        const failuresBefore = load.failures;
        let readyMs: number | undefined;
        // dev's own line: the child restarted and printed its ready line (for postgres: the wrapper, once the server accepts connections)
        const stopListening = system.onOutputLine((line) => {
          if (readyMs === undefined && line.startsWith(`[dev] ${name} ready`)) readyMs = performance.now();
        });
        const killedMs = performance.now();
        process.kill(pid, 'SIGKILL');
        let seen: number | undefined;
        while ((seen = load.firstSuccessAfter(killedMs)) === undefined && performance.now() - killedMs < gapBoundMs) await sleep(2);
        stopListening();
        const kill: Kill = {
          process: name,
          pid,
          gapMs: seen === undefined ? undefined : seen - killedMs,
          readyAfterMs: readyMs === undefined ? undefined : readyMs - killedMs,
          failedUploads: load.failures - failuresBefore,
        };
        kills.push(kill);
        progress(
          `${name} (pid ${pid}) SIGKILLed: ${kill.gapMs === undefined ? `no upload succeeded within ${gapBoundMs} ms` : `uploads succeed again after ${kill.gapMs.toFixed(0)} ms`}` +
            `, ready again after ${kill.readyAfterMs === undefined ? '?' : kill.readyAfterMs.toFixed(0)} ms (${kill.failedUploads} failed)`,
        );
        await settle(load, options.settleMs);
      }
    }
  } finally {
    await load.stop();
    await system.stop();
    if (!options.keepDir) await rm(system.dir, { recursive: true, force: true });
  }

  const rows = targets.map(({ name, goalMs }) => {
    const mine = kills.filter((k) => k.process === name);
    const gaps = mine.map((k) => k.gapMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const worst = gaps[gaps.length - 1] ?? Number.POSITIVE_INFINITY;
    const median = gaps[Math.floor(gaps.length / 2)] ?? Number.POSITIVE_INFINITY;
    const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : `> ${gapBoundMs}`);
    const ready = mine.map((k) => (k.readyAfterMs === undefined ? '?' : k.readyAfterMs.toFixed(0))).join(' / ');
    return [name, String(mine.length), gaps.map(ms).join(' / '), ms(median), ms(worst), ready, String(mine.reduce((n, k) => n + k.failedUploads, 0)), `≤ ${goalMs}`, worst <= goalMs ? 'reached' : 'NOT REACHED'];
  });
  const lines = [
    `restart gaps — ${date}, ${machine.nproc} CPU(s), node ${machine.node}, commit ${machine.gitCommit ?? 'unknown'}`,
    `load: ${options.concurrency} uploads of 4 KiB in flight through the HTTP gateway; each process SIGKILLed ${options.kills} times, ${options.settleMs} ms of steady success before each kill; ${options.standby ? 'dev promotes a loaded standby in place of the killed process' : 'dev --no-standby: every restart a cold start'}`,
    'gap = SIGKILL to the end of the first upload that began after it and succeeded; ready = SIGKILL to dev\'s "<process> ready" line for its restart',
    '',
    textTable(['process killed', 'kills', 'gap of each kill, ms', 'median ms', 'worst ms', 'ready again after, ms', 'failed uploads', 'goal ms', 'worst within goal'], rows),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.json !== undefined) await writeFile(options.json, JSON.stringify({ date, machine, options, kills }, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:restart: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
