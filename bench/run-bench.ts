/**
 * `npm run bench`: twophase's atomic upload against a naive non-atomic one, on this
 * machine, in one run. See `npm run bench -- --help`.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaselineServer, baselineServerPart } from './baseline-server.js';
import { BaselineUpload } from './baseline-upload.js';
import type { BenchReport, LevelReport, LevelVia, SystemRun } from './bench-report.js';
import { parseBenchOptions, type BenchOptions } from './bench-options.js';
import { CpuSampler } from './cpu-sampler.js';
import { HttpUpload } from './http-upload.js';
import { measureLargeUpload } from './measure-large-upload.js';
import { compileCli, DevSystem } from './dev-system.js';
import { formatBenchReport } from './format-bench-report.js';
import { machineInfo } from './machine-info.js';
import { measureFsyncLatency } from './measure-fsync-latency.js';
import { measureRun } from './measure-run.js';
import { readDecisionLogStats } from './read-decision-log-stats.js';
import { benchRun } from './bench-run.js';
import { TwophaseUpload } from './twophase-upload.js';
import { ProcessCounters, type CountersByProcess } from './process-counters.js';
import type { LoadOptions } from './run-load.js';

const { repoDir, namespace, errorsMax, drainMsMax, startTimeoutMs } = benchRun;
/** The window that measures the system's CPU use at rest, before any load. */
const idleWindowMs = 2_000;
/** CPU of other programs (% of one core) in a window above which the report warns. */
const othersPercentNoted = 10;

const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedMs = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo(repoDir);
  const notes: string[] = [];

  compileCli(progress);
  progress(`starting twophase dev (--log-level ${options.logLevel} --commit-mode ${options.commitMode} --decision-log ${options.decisionLog})…`);
  const dev = await DevSystem.start({ logLevel: options.logLevel, commitMode: options.commitMode, decisionLog: options.decisionLog, startTimeoutMs });
  progress(`running in ${dev.dir}`);
  const interrupted = dev.stopOnSigint(options.keepDir, progress);

  let measured: Measured = { idleCpu: undefined, largeUpload: undefined, levels: [], gatewayLevels: [] };
  let fdatasync4KiBMs;
  let stats: BenchReport['decisionLog'];
  try {
    fdatasync4KiBMs = await measureFsyncLatency(dev.dir);
    measured = await measureParts(dev, options);
  } finally {
    const stopped = await dev.stop();
    if (stopped.killed) notes.push('twophase dev did not stop within 60 s of SIGINT and was killed');
    if (!interrupted()) {
      stats = await readDecisionLogStatsAfterStop(dev, notes);
      if (options.keepDir) progress(`kept ${dev.dir}`);
      else await rm(dev.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  const report: BenchReport = {
    date,
    machine: { ...machine, fdatasync4KiBMs },
    settings: {
      uploadBytes: options.uploadBytes,
      warmupS: options.warmupS,
      durationS: options.durationS,
      concurrency: options.concurrency,
      opsMaxPerRun: options.opsMax,
      logLevel: options.logLevel,
      repeat: options.repeat,
      commitMode: options.commitMode,
      decisionLog: options.decisionLog,
      sdk: options.sdk,
      gateway: options.gateway,
      largeUploadBytes: options.largeUploadBytes,
    },
    ...measured,
    decisionLog: stats,
    notes: [...notes, ...levelNotes([...measured.levels, ...measured.gatewayLevels]), ...largeUploadNotes(measured.largeUpload)],
    totalS: (performance.now() - startedMs) / 1000,
  };
  console.log(formatBenchReport(report));
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`wrote ${options.json}`);
  }
}

type Measured = Pick<BenchReport, 'idleCpu' | 'largeUpload' | 'levels' | 'gatewayLevels'>;

/** An upload path unique in the run: the level's index keeps paths apart when a concurrency is listed twice. */
type PathOf = (worker: number, seq: number) => string;

/** One system of a level, opened for one run and closed after it. */
interface SystemUnderLoad {
  upload(path: string, content: Uint8Array): Promise<unknown>;
  close(): Promise<void> | void;
}

/** twophase's side of a level, with what it counts about its uploads. */
interface TwophaseUnderLoad extends SystemUnderLoad {
  readonly pendingCommits: number;
  /** Attempts refused as a participant at a limit, and retried. */
  readonly retries: number;
}

/** How one kind of level reaches each system. */
interface LevelSystems {
  readonly via: LevelVia;
  /** A baseline for one run at `concurrency`. */
  openBaseline(concurrency: number): Promise<SystemUnderLoad>;
  /** twophase for one run at `concurrency`. */
  openTwophase(concurrency: number): Promise<TwophaseUnderLoad>;
}

/**
 * The idle window first, then the large upload (before any level, so that no process's
 * memory is still grown from them), the SDK levels, then the gateway levels.
 */
async function measureParts(dev: DevSystem, options: BenchOptions): Promise<Measured> {
  const baselineUrl = await BaselineUpload.prepare((database) => dev.postgresUrl(database));
  const sampler = new CpuSampler(dev.pid, dev.pidsFile, dev.postmasterPidFile);
  const counters = new ProcessCounters({ coordinator: dev.coordinator, blob: dev.blob, metadata: dev.metadata });
  const twophase = options.sdk ? await TwophaseUpload.connect(dev.coordinator) : undefined;
  try {
    // what the system burns doing nothing (timers, health checks): part of every per-upload cost below
    const idleFrom = sampler.sample();
    await sleep(idleWindowMs);
    const idleCpu = CpuSampler.usage(idleFrom, sampler.sample());
    const largeUpload = options.largeUploadBytes === undefined ? undefined : await measureLargeUpload(dev, sampler, options.largeUploadBytes, namespace, progress);
    const levels = twophase === undefined ? [] : await runLevels(sdkSystems(dev, twophase, baselineUrl), options, sampler, counters);
    const gatewayLevels = options.gateway ? await runLevels(gatewaySystems(dev, sampler, baselineUrl), options, sampler, counters) : [];
    return { idleCpu, largeUpload, levels, gatewayLevels };
  } finally {
    twophase?.close();
    counters.close();
  }
}

/** Through the SDK: one TwoPhaseClient for every level, as an application server holds one; the baseline in this process. */
function sdkSystems(dev: DevSystem, twophase: TwophaseUpload, baselineUrl: string): LevelSystems {
  return {
    via: 'sdk',
    openBaseline: async (concurrency) => {
      const baseline = await BaselineUpload.open(baselineUrl, join(dev.dir, 'baseline-files'), concurrency);
      return { upload: (path, content) => baseline.upload(namespace, path, content), close: () => baseline.close() };
    },
    openTwophase: () =>
      Promise.resolve({
        upload: (path, content) => twophase.upload(namespace, path, content),
        close: () => undefined,
        get pendingCommits() {
          return twophase.pendingCommits;
        },
        get retries() {
          return twophase.resourceExhaustedRetries;
        },
      }),
  };
}

/**
 * Through HTTP: the same client (keep-alive connections, one per upload in flight) against
 * twophase's gateway and against the baseline server, a process of its own (started for each
 * run with a pool sized to its concurrency, counted as `baseline server` in the CPU table).
 */
function gatewaySystems(dev: DevSystem, sampler: CpuSampler, baselineUrl: string): LevelSystems {
  return {
    via: 'gateway',
    openBaseline: async (concurrency) => {
      const server = await BaselineServer.start({ databaseUrl: baselineUrl, dir: join(dev.dir, 'baseline-http-files'), poolSize: concurrency });
      const unname = sampler.namePart(server.pid, baselineServerPart);
      const client = new HttpUpload(server.address, concurrency);
      return {
        upload: (path, content) => client.upload(namespace, path, content),
        close: async () => {
          client.close();
          await server.stop();
          unname();
        },
      };
    },
    openTwophase: (concurrency) => {
      const client = new HttpUpload(dev.http, concurrency);
      return Promise.resolve({
        upload: (path, content) => client.upload(namespace, path, content),
        close: () => client.close(),
        get pendingCommits() {
          return client.pendingCommits;
        },
        get retries() {
          return client.unavailableRetries;
        },
      });
    },
  };
}

/**
 * Each level runs the baseline first, then twophase: the baseline is closed before twophase
 * runs, so the two never hold PostgreSQL connections at once (dev's cluster allows 100, and
 * the metadata participant alone may hold 64 + 8).
 */
async function runLevels(systems: LevelSystems, options: BenchOptions, sampler: CpuSampler, counters: ProcessCounters): Promise<LevelReport[]> {
  const run = (concurrency: number, op: (worker: number, seq: number) => Promise<unknown>, hooks: Pick<LoadOptions, 'onWindowOpen' | 'onWindowClose'> = {}) =>
    measureRun(sampler, {
      ...hooks,
      concurrency,
      warmupMs: options.warmupS * 1000,
      durationMs: options.durationS * 1000,
      opsMax: options.opsMax,
      errorsMax,
      drainMsMax,
      op,
    });
  const via = systems.via;
  const levels: LevelReport[] = [];
  for (const [index, concurrency] of options.concurrency.entries()) {
    const label = `${via === 'gateway' ? 'gateway ' : ''}c=${concurrency}`;
    const pathOf =
      (system: string, rep: number): PathOf =>
      (worker, seq) =>
        `${via}-${system}-r${rep}/l${index}-c${concurrency}/w${worker}/${seq}`;

    // A B A B …: a drift of the machine during the level hits both systems alike
    const baselineRuns: SystemRun[] = [];
    const twophaseRuns: { run: SystemRun; pendingCommits: number; resourceExhaustedRetries: number; countsPerUpload: LevelReport['twophase']['countsPerUpload'] }[] = [];
    for (let rep = 1; rep <= options.repeat; rep++) {
      const tag = options.repeat > 1 ? ` (run ${rep}/${options.repeat})` : '';
      progress(`${label}: baseline${tag}…`);
      const baseline = await systems.openBaseline(concurrency);
      const baselinePath = pathOf('baseline', rep);
      baselineRuns.push(await run(concurrency, (w, seq) => baseline.upload(baselinePath(w, seq), randomBytes(options.uploadBytes))).finally(() => baseline.close()));

      progress(`${label}: twophase${tag}…`);
      const twophase = await systems.openTwophase(concurrency);
      const pendingBefore = twophase.pendingCommits;
      const retriesBefore = twophase.retries;
      const twophasePath = pathOf('twophase', rep);
      // read as the window opens and closes (a few ms late: GetStats is a call)
      let countersFrom: Promise<CountersByProcess> | undefined;
      let countersTo: Promise<CountersByProcess> | undefined;
      const twophaseRun = await run(concurrency, (w, seq) => twophase.upload(twophasePath(w, seq), randomBytes(options.uploadBytes)), {
        onWindowOpen: () => (countersFrom = counters.read()),
        onWindowClose: () => (countersTo = counters.read()),
      }).finally(() => twophase.close());
      twophaseRuns.push({
        run: twophaseRun,
        pendingCommits: twophase.pendingCommits - pendingBefore,
        resourceExhaustedRetries: twophase.retries - retriesBefore,
        countsPerUpload: await countsOf(countersFrom, countersTo, twophaseRun.ops),
      });
      progress(`${label}: twophase ${twophaseRun.txPerS.toFixed(1)} tx/s, baseline ${baselineRuns.at(-1)?.txPerS.toFixed(1)} tx/s${tag}`);
    }
    const baseline = medianRun(baselineRuns, (r) => r);
    const chosen = medianRun(twophaseRuns, (r) => r.run);
    levels.push({
      via,
      concurrency,
      twophase: {
        ...chosen.run,
        pendingCommits: twophaseRuns.reduce((a, r) => a + r.pendingCommits, 0),
        resourceExhaustedRetries: twophaseRuns.reduce((a, r) => a + r.resourceExhaustedRetries, 0),
        countsPerUpload: chosen.countsPerUpload,
      },
      baseline,
      txPerSRatio: baseline.txPerS > 0 ? chosen.run.txPerS / baseline.txPerS : NaN,
      runsTxPerS: { twophase: twophaseRuns.map((r) => r.run.txPerS), baseline: baselineRuns.map((r) => r.txPerS) },
    });
  }
  return levels;
}

/** The run of median tx/s (the upper one of an even count): its latency, CPU and counters are those of a real run. */
function medianRun<T>(runs: readonly T[], of: (run: T) => SystemRun): T {
  const sorted = [...runs].sort((a, b) => of(a).txPerS - of(b).txPerS);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('a level has at least one run');
  return middle;
}

async function countsOf(from: Promise<CountersByProcess> | undefined, to: Promise<CountersByProcess> | undefined, uploads: number): Promise<LevelReport['twophase']['countsPerUpload']> {
  if (from === undefined || to === undefined) return undefined;
  try {
    return ProcessCounters.perUpload(await from, await to, uploads);
  } catch (err) {
    progress(`could not read the processes' counters: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/**
 * The coordinator logs its decision log counters when it stops; dev stops it with SIGTERM
 * when dev itself gets SIGINT. Reads the line, and says in the notes why it is missing.
 */
async function readDecisionLogStatsAfterStop(dev: DevSystem, notes: string[]): Promise<BenchReport['decisionLog']> {
  const exitLine = dev.outputLines().find((line) => line.startsWith('[dev] coordinator exited'));
  if (exitLine === undefined) notes.push('dev printed no "coordinator exited" line: the coordinator may not have been stopped with SIGTERM');
  const logFile = dev.logFile('coordinator');
  const stats = await readDecisionLogStats(logFile);
  if (stats === undefined) {
    notes.push(`no "decision log stats" line in ${logFile} (${exitLine ?? 'no exit line'}): the coordinator logs it on a graceful stop, at every log level but silent`);
    return undefined;
  }
  return { ...stats, source: `"decision log stats" line of logs/coordinator.log after SIGINT to dev (${exitLine ?? '?'})` };
}

function largeUploadNotes(upload: BenchReport['largeUpload']): string[] {
  if (upload?.cpu === undefined || upload.cpu.others < othersPercentNoted) return [];
  const top = upload.cpu.othersTop.map((o) => `${o.command} ${o.percent.toFixed(0)}%`).join(', ');
  return [`large upload: other programs used ${upload.cpu.others.toFixed(0)}% of a core during it${top === '' ? '' : ` (${top})`}: rerun on an idle machine to trust the numbers`];
}

function levelNotes(levels: readonly LevelReport[]): string[] {
  const notes: string[] = [];
  for (const l of levels) {
    const label = `${l.via === 'gateway' ? 'gateway ' : ''}c=${l.concurrency}`;
    for (const [system, run] of [
      ['twophase', l.twophase],
      ['baseline', l.baseline],
    ] as const) {
      if (run.ops === 0) notes.push(`${label} ${system}: no upload completed inside the window; lengthen --duration-s / --warmup-s`);
      if (run.errors > 0) notes.push(`${label} ${system}: ${run.errors} uploads failed, e.g. ${run.errorSamples[0]}`);
      if (run.opsMaxReached) notes.push(`${label} ${system}: --ops-max ran out; measured ${run.windowS.toFixed(1)} s instead of the full window`);
    }
    for (const [system, run] of [
      ['twophase', l.twophase],
      ['baseline', l.baseline],
    ] as const) {
      // another program's load is CPU the system under test did not get: the numbers are low
      if (run.cpu !== undefined && run.cpu.others >= othersPercentNoted) {
        const top = run.cpu.othersTop.map((o) => `${o.command} ${o.percent.toFixed(0)}%`).join(', ');
        notes.push(`${label} ${system}: other programs used ${run.cpu.others.toFixed(0)}% of a core during the window${top === '' ? '' : ` (${top})`}: rerun on an idle machine to trust the numbers`);
      }
    }
    if (l.twophase.resourceExhaustedRetries > 0) {
      const refused = l.via === 'gateway' ? 'answered 503' : 'refused with RESOURCE_EXHAUSTED';
      notes.push(`${label} twophase: ${l.twophase.resourceExhaustedRetries} attempts (warm-up included) were ${refused} and retried with backoff; latency includes the retries`);
    }
    if (l.twophase.pendingCommits > 0) {
      notes.push(`${label} twophase: ${l.twophase.pendingCommits} commits returned before every participant acked (durable, not yet readable)`);
    }
  }
  return notes;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
