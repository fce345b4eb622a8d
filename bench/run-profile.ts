/**
 * `npm run bench:profile`: where twophase's processes spend their CPU on uploads, from
 * V8 CPU profiles of every child of `twophase dev`. See `npm run bench:profile -- --help`.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemRun } from './bench-report.js';
import { CpuSampler, partOfDevChild } from './cpu-sampler.js';
import { compileCli, DevSystem } from './dev-system.js';
import { formatProfileReport } from './format-profile-report.js';
import { machineInfo } from './machine-info.js';
import { measureRun } from './measure-run.js';
import type { ProcessProfile, ProfileReport } from './profile-report.js';
import { parseProfileOptions, type ProfileOptions } from './profile-options.js';
import { parseCpuProfile, summarizeCpuProfiles, type MonotonicWindowUs } from './summarize-cpu-profiles.js';
import { benchRun } from './bench-run.js';
import { TwophaseUpload } from './twophase-upload.js';

const { repoDir, namespace, errorsMax, drainMsMax, startTimeoutMs } = benchRun;
/** Uploads started at most, warm-up included: bounds disk use if uploads get very fast. */
const opsMax = 1_000_000;
/** How long dev may take to stop after SIGINT: it gives each child 10 s after SIGTERM, and a profiled child writes its profile on the way out. */
const stopTimeoutMs = 90_000;

const progress = (text: string): void => void process.stderr.write(`[bench:profile] ${text}\n`);

async function main(): Promise<void> {
  const options = parseProfileOptions(process.argv.slice(2));
  const date = new Date().toISOString();
  const machine = machineInfo(repoDir);
  const notes: string[] = [];

  compileCli(progress);
  progress(`starting twophase dev with every child under node --cpu-prof (--log-level ${options.logLevel}, --commit-mode ${options.commitMode})…`);
  const dev = await DevSystem.start({ logLevel: options.logLevel, commitMode: options.commitMode, startTimeoutMs, cpuProfiles: true, unbundled: true });
  progress(`running in ${dev.dir}`);
  const interrupted = dev.stopOnSigint(options.keepDir, progress);

  let children: string[] = [];
  let load: { run: SystemRun; window: MonotonicWindowUs } | undefined;
  let missing: string[] = [];
  let processes: ProcessProfile[] = [];
  try {
    // read while dev runs: the names of every child it started, in start order
    children = Object.keys(JSON.parse(await readFile(dev.pidsFile, 'utf8')) as Record<string, unknown>);
    load = await runUploads(dev, options);
  } finally {
    progress('stopping twophase dev (each child writes its profile as it exits)…');
    const stopped = await dev.stop(stopTimeoutMs);
    if (stopped.killed) notes.push(`twophase dev did not stop within ${stopTimeoutMs / 1000} s of SIGINT and was killed with its children still running: their profiles are missing`);
  }
  if (interrupted()) return;
  try {
    ({ processes, missing } = await readProfiles(dev, children, load, notes));
  } finally {
    if (!options.keepDir) await rm(dev.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  const windowMs = (load.window.toUs - load.window.fromUs) / 1000;
  const report: ProfileReport = {
    date,
    machine,
    settings: {
      uploadBytes: options.uploadBytes,
      concurrency: options.concurrency,
      warmupS: options.warmupS,
      durationS: options.durationS,
      logLevel: options.logLevel,
      commitMode: options.commitMode,
      top: options.top,
    },
    run: load.run,
    windowMs,
    processes,
    unprofiled: unprofiledCpu(load.run, windowMs, children),
    keptProfileDir: options.keepDir ? dev.cpuProfDir : undefined,
    notes: [...notes, ...runNotes(load.run)],
  };
  process.stdout.write(formatProfileReport(report, options.markdown ? 'markdown' : 'text'));
  if (options.keepDir) progress(`kept ${dev.dir} (profiles in ${dev.cpuProfDir}, logs in ${join(dev.dir, 'logs')})`);
  if (missing.length > 0) {
    progress(`no CPU profile from: ${missing.join(', ')} (see the notes)`);
    process.exitCode = 1;
  }
}

/** The closed loop of uploads, and the window it measured on the clock the profiles use. */
async function runUploads(dev: DevSystem, options: ProfileOptions): Promise<{ run: SystemRun; window: MonotonicWindowUs }> {
  const twophase = await TwophaseUpload.connect(dev.coordinator);
  const sampler = new CpuSampler(dev.pid, dev.pidsFile, dev.postmasterPidFile);
  const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
  let fromUs: number | undefined;
  let toUs: number | undefined;
  progress(`${options.warmupS} s warm-up, then ${options.durationS} s profiled, ${options.concurrency} uploads in flight…`);
  try {
    const run = await measureRun(sampler, {
      concurrency: options.concurrency,
      warmupMs: options.warmupS * 1000,
      durationMs: options.durationS * 1000,
      opsMax,
      errorsMax,
      drainMsMax,
      op: (w, seq) => twophase.upload(namespace, `profile/w${w}/${seq}`, randomBytes(options.uploadBytes)),
      onWindowOpen: () => (fromUs = nowUs()),
      onWindowClose: () => (toUs = nowUs()),
    });
    // runLoad calls both hooks exactly once before it returns
    if (fromUs === undefined || toUs === undefined) throw new Error('the load returned without opening and closing its window');
    progress(`${run.ops} uploads in the window (${run.txPerS.toFixed(1)} tx/s), ${run.errors} failed`);
    return { run, window: { fromUs, toUs } };
  } finally {
    twophase.close();
  }
}

/**
 * Every child's main-thread profiles, summarized over the window; a child without one is
 * named in `notes` and in `missing`. A child's other threads write profiles of their own
 * (tsx runs its module loader on one): they are only noted, when they were busy.
 */
async function readProfiles(
  dev: DevSystem,
  children: readonly string[],
  { run, window }: { run: SystemRun; window: MonotonicWindowUs },
  notes: string[],
): Promise<{ processes: ProcessProfile[]; missing: string[] }> {
  const windowMs = (window.toUs - window.fromUs) / 1000;
  const processes: ProcessProfile[] = [];
  const missing: string[] = [];
  for (const name of children) {
    const dir = join(dev.cpuProfDir, name);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.endsWith('.cpuprofile')).sort();
    const read = (names: readonly string[]) => Promise.all(names.map(async (file) => parseCpuProfile(await readFile(join(dir, file), 'utf8'), join(dir, file))));
    const mainFiles = files.filter(isMainThread);
    if (mainFiles.length === 0) {
      missing.push(name);
      // dev says how each child ended: a SIGKILL (the 10 s grace ran out) or a crash writes no profile
      const exits = dev.outputLines().filter((line) => line.startsWith(`[dev] ${name} exited`));
      notes.push(`${name}: no main-thread .cpuprofile in ${dir} (${exits.length === 0 ? 'dev printed no exit line for it' : exits.join('; ')}); see ${dev.logFile(name)}`);
      continue;
    }
    const summary = summarizeCpuProfiles(await read(mainFiles), window, repoDir);
    if (mainFiles.length > 1) notes.push(`${name}: ${mainFiles.length} processes (it was restarted: see ${dev.logFile(name)}); ${summary.profiles} of them ran in the window, summed`);
    if (summary.sampledMs < 0.9 * windowMs) {
      notes.push(`${name}: its profile covers only ${(summary.sampledMs / 1000).toFixed(1)} s of the ${(windowMs / 1000).toFixed(1)} s window (a restart, or a stalled sampler)`);
    }
    const others = summarizeCpuProfiles(await read(files.filter((file) => !isMainThread(file))), window, repoDir);
    const othersBusyMs = others.sampledMs - others.idleMs;
    if (othersBusyMs >= 1) notes.push(`${name}: its other threads (tsx's module loader, workers) were busy ${othersBusyMs.toFixed(0)} ms in the window, not in the tables`);
    const percent = run.cpu?.byPart[partOfDevChild(name)];
    processes.push({ name, summary, procCpuMs: percent === undefined ? undefined : (percent / 100) * windowMs });
  }
  return { processes, missing };
}

/** Node names a profile `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`; thread 0 is the main thread. */
function isMainThread(file: string): boolean {
  const match = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file);
  // a name of another shape was not written by --cpu-prof's default: take it for a main thread's
  return match === null || match[1] === '0';
}

/** The CPU of every part of the system that is not a child of dev, from /proc (% of one core over the window), in ms. */
function unprofiledCpu(run: SystemRun, windowMs: number, children: readonly string[]): ProfileReport['unprofiled'] {
  const childParts = new Set(children.map(partOfDevChild));
  return Object.entries(run.cpu?.byPart ?? {})
    .filter(([part]) => !childParts.has(part))
    .map(([part, percent]) => ({ part, procCpuMs: (percent / 100) * windowMs }));
}

function runNotes(run: SystemRun): string[] {
  const notes: string[] = [];
  if (run.ops === 0) notes.push('no upload completed inside the window; lengthen --duration-s / --warmup-s');
  if (run.errors > 0) notes.push(`${run.errors} uploads failed (warm-up included), e.g. ${run.errorSamples[0]}`);
  if (run.opsMaxReached) notes.push(`${opsMax} uploads were started before the window ended; it was cut to ${run.windowS.toFixed(1)} s`);
  if (run.cpu !== undefined && run.cpu.others >= 10) {
    notes.push(`other programs used ${run.cpu.others.toFixed(0)}% of a core during the window: the profiles are right about shares, the tx/s is low`);
  }
  return notes;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:profile failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
