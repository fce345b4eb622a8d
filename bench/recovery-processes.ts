import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { benchRun } from './bench-run.js';

/** One process of the recovery bench, started from the compiled CLI (`bin/twophase.js <args>`). */
export interface RecoveryProcessSpec {
  /** Short name, also the log file name: `coordinator`, `blob`, … */
  readonly name: string;
  readonly args: readonly string[];
  /** `TWOPHASE_FAILPOINTS` of the process, armed from its first instruction; none when absent. */
  readonly failpoints?: string;
  /** A line of its stdout that means it is ready; absent: the caller finds out itself (e.g. over gRPC). */
  readonly readyLine?: RegExp;
}

export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  /** performance.now() just before the spawn: the measured times count from here. */
  readonly spawnedAtMs: number;
}

interface Running {
  readonly child: ChildProcess;
  readonly log: WriteStream;
  readonly exited: Promise<void>;
}

/**
 * The processes of a recovery run, each started, killed and restarted on purpose (no
 * supervisor: a restart must happen when the bench says, so its time can be measured from
 * the spawn). Each writes its output to `logDir/<name>.log`, appended across restarts.
 */
export class RecoveryProcesses {
  private readonly running = new Map<string, Running>();

  constructor(private readonly logDir: string) {}

  /** Spawns the process and, with a `readyLine`, resolves once it printed it (rejects if it exits first or past `readyTimeoutMs`). */
  async start(spec: RecoveryProcessSpec, readyTimeoutMs = benchRun.startTimeoutMs): Promise<StartedProcess> {
    if (this.running.has(spec.name)) throw new Error(`${spec.name} is already running`);
    // settings from the caller's shell (failpoints above all) must not reach the measured processes
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TWOPHASE_')));
    if (spec.failpoints !== undefined) env.TWOPHASE_FAILPOINTS = spec.failpoints;
    const log = createWriteStream(join(this.logDir, `${spec.name}.log`), { flags: 'a' });
    const spawnedAtMs = performance.now();
    const child = spawn(process.execPath, [join(benchRun.repoDir, 'bin', 'twophase.js'), ...spec.args], { cwd: benchRun.repoDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit').then(() => undefined);
    this.running.set(spec.name, { child, log, exited });
    void exited.then(() => {
      if (this.running.get(spec.name)?.child === child) this.running.delete(spec.name);
      log.end();
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    if (spec.readyLine !== undefined) await waitForLine(child, spec.name, spec.readyLine, readyTimeoutMs);
    return { name: spec.name, pid: child.pid ?? -1, spawnedAtMs };
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** kill -9, and waits until it is gone: nothing is flushed, as in a crash. */
  async kill(name: string): Promise<void> {
    await this.signal(name, 'SIGKILL');
  }

  /** SIGTERM (a graceful stop: the coordinator flushes its log); SIGKILL past `timeoutMs`. */
  async stop(name: string, timeoutMs = 20_000): Promise<void> {
    const entry = this.running.get(name);
    if (entry === undefined) return;
    entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), timeoutMs);
    await entry.exited;
    clearTimeout(timer);
  }

  /** Stops every process, the named ones last (e.g. PostgreSQL after its clients). */
  async stopAll(last: readonly string[] = []): Promise<void> {
    const first = [...this.running.keys()].filter((n) => !last.includes(n));
    await Promise.all(first.map((n) => this.stop(n)));
    for (const n of last) await this.stop(n);
  }

  private async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    const entry = this.running.get(name);
    if (entry === undefined) throw new Error(`${name} is not running`);
    entry.child.kill(signal);
    await entry.exited;
  }
}

function waitForLine(child: ChildProcess, name: string, line: RegExp, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffered = '';
    const onData = (data: Buffer): void => {
      buffered = (buffered + data.toString('utf8')).slice(-64 * 1024);
      if (line.test(buffered)) done();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready; see its log`));
    const timer = setTimeout(() => done(new Error(`${name} did not print ${line} within ${timeoutMs} ms`)), timeoutMs);
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err === undefined) resolve();
      else reject(err);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
