import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../assert/assert.js';
import { limits } from '../limits/limits.js';
import { promoteLine, standbyEnvName, supervisedEnvName } from './supervised-child.js';

export interface ChildSpec {
  /** Short name, also the log file name: `coordinator`, `blob`, … */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A line of the child's stdout that means it is ready to serve. */
  readonly ready: RegExp;
  /**
   * Keep a standby process of this child: started (with the same command, arguments and
   * environment, and standbyEnvName set) once the child is ready, it loads its code and
   * waits; when the child dies it is promoted in its place instead of a cold start, and a
   * new standby follows once that one is ready. Only for a command that waits in
   * untilPromoted before its work (the long-running twophase commands).
   */
  readonly standby?: boolean;
}

export interface SupervisorEvents {
  started(name: string, pid: number): void;
  ready(name: string, pid: number): void;
  exited(name: string, code: number | null, signal: NodeJS.Signals | null, restartInMs: number | undefined): void;
  /** A standby exited before it was promoted (it is started again after the child's next ready line). */
  standbyExited?(name: string, code: number | null, signal: NodeJS.Signals | null): void;
}

interface Running {
  readonly spec: ChildSpec;
  child: ChildProcess | undefined;
  restarts: number;
  /** When the running child printed its ready line, if it has. */
  readyAtMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  readyWaiters: (() => void)[];
  /** The loaded, waiting process the next restart promotes (spec.standby only). */
  standby: ChildProcess | undefined;
  standbyTimer: NodeJS.Timeout | undefined;
  /** Killed for good (retire): never restarted. */
  retired: boolean;
}

/**
 * Runs child processes, each with its output in `logDir/<name>.log`, and restarts one
 * that dies, with a growing delay, until `stop`; a restart promotes the child's standby
 * where it has one (ChildSpec.standby). Used by `twophase dev`. A child that runs the CLI
 * stops by itself when the supervisor dies (stopWithSupervisor), a standby too.
 */
export class Supervisor {
  private readonly children = new Map<string, Running>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly events: SupervisorEvents,
  ) {}

  /** Starts a child and resolves once it printed its ready line. */
  start(spec: ChildSpec): Promise<void> {
    const entry: Running = { spec, child: undefined, restarts: 0, readyAtMs: undefined, timer: undefined, readyWaiters: [], standby: undefined, standbyTimer: undefined, retired: false };
    this.children.set(spec.name, entry);
    const ready = new Promise<void>((resolve) => entry.readyWaiters.push(resolve));
    this.launch(entry);
    return ready;
  }

  /** The pid of each child, and of each standby as `<name> standby`. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(
      [...this.children].flatMap(([name, e]) => [[name, e.child?.pid] as const, ...(e.standby === undefined ? [] : [[`${name} standby`, e.standby.pid] as const])]),
    );
  }

  /** Stops children in the reverse order of their start: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs: number = limits.supervisorStopGraceMs): Promise<void> {
    this.stopping = true;
    // every pending restart and standby first: none may start while the others are stopped
    for (const entry of this.children.values()) {
      clearTimeout(entry.timer);
      clearTimeout(entry.standbyTimer);
    }
    for (const entry of [...this.children.values()].reverse()) {
      const standby = entry.standby;
      entry.standby = undefined;
      await Promise.all([entry.child, standby].map((child) => stopProcess(child, graceMs)));
    }
  }

  /**
   * SIGKILLs a child, and its standby, and never restarts it: a host lost for good, as a
   * fault-injection run needs it. Resolves once both have exited; `exited` reports the child
   * with no restart.
   */
  async retire(name: string): Promise<void> {
    const entry = this.children.get(name);
    assert(entry !== undefined, `a child named ${name} was started`);
    entry.retired = true;
    clearTimeout(entry.timer);
    clearTimeout(entry.standbyTimer);
    const standby = entry.standby;
    entry.standby = undefined;
    await Promise.all([entry.child, standby].map((child) => killProcess(child)));
  }

  private launch(entry: Running): void {
    if (this.stopping || entry.retired) return;
    const { spec } = entry;
    const standby = entry.standby;
    entry.standby = undefined;
    let child: ChildProcess;
    if (standby !== undefined && isRunning(standby) && standby.stdin?.writable === true) {
      // its own exit listener sees it is no longer the standby and leaves it to the one below
      child = standby;
      child.stdin?.write(promoteLine);
    } else {
      child = this.spawn(spec, false);
    }
    entry.child = child;
    entry.readyAtMs = undefined;
    let pending = '';
    child.stdout?.on('data', (data: Buffer) => {
      if (entry.readyAtMs !== undefined) return;
      pending = (pending + data.toString('utf8')).slice(-limits.supervisorOutputTailLengthMax);
      if (spec.ready.test(pending)) {
        entry.readyAtMs = Date.now();
        pending = '';
        this.events.ready(spec.name, child.pid ?? -1);
        for (const resolve of entry.readyWaiters.splice(0)) resolve();
        this.prepareStandby(entry);
      }
    });
    this.events.started(spec.name, child.pid ?? -1);
    child.on('exit', (code, signal) => {
      // a standby not yet started waits for the next ready line, not for this restart
      clearTimeout(entry.standbyTimer);
      if (this.stopping || entry.retired) {
        this.events.exited(spec.name, code, signal, undefined);
        return;
      }
      // a child that served for a while and then died is restarted at once; one that dies
      // while starting, again and again, is restarted ever more slowly
      if (entry.readyAtMs !== undefined && Date.now() - entry.readyAtMs >= limits.supervisorHealthyAfterMs) entry.restarts = 0;
      const delays = limits.supervisorRestartDelaysMs;
      const delay = delays[Math.min(entry.restarts, delays.length - 1)];
      assert(delay !== undefined, 'a restart delay is picked within the list');
      entry.restarts++;
      this.events.exited(spec.name, code, signal, delay);
      entry.timer = setTimeout(() => this.launch(entry), delay);
    });
  }

  /** A child's process, its output appended to its log; a standby waits to be promoted. */
  private spawn(spec: ChildSpec, standby: boolean): ChildProcess {
    const log: WriteStream = createWriteStream(join(this.logDir, `${spec.name}.log`), { flags: 'a' });
    const env = { ...process.env, ...spec.env, [supervisedEnvName]: '1', ...(standby ? { [standbyEnvName]: '1' } : {}) };
    // stdin: a pipe the child reads, which closes when we die (see stopWithSupervisor); we
    // write to it only to promote a standby
    const child = spawn(spec.command, [...spec.args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout?.on('data', (data: Buffer) => log.write(data));
    child.stderr?.on('data', (data: Buffer) => log.write(data));
    child.stdin?.on('error', () => undefined); // a child gone before a promotion reached it: its exit says so
    child.on('error', (err) => log.write(`spawn error: ${err.message}\n`));
    // 'close' comes after the last output was read; ending the file at 'exit' could lose it
    child.on('close', () => log.end());
    return child;
  }

  /**
   * After the child's ready line, and a while later (so as not to slow the system's
   * start or a restart), a standby for its next restart (ChildSpec.standby).
   */
  private prepareStandby(entry: Running): void {
    if (entry.spec.standby !== true || this.stopping || entry.retired || entry.standby !== undefined) return;
    clearTimeout(entry.standbyTimer);
    entry.standbyTimer = setTimeout(() => {
      if (this.stopping || entry.retired || entry.standby !== undefined) return;
      const standby = this.spawn(entry.spec, true);
      entry.standby = standby;
      standby.on('exit', (code, signal) => {
        if (entry.standby !== standby) return;
        entry.standby = undefined;
        if (!this.stopping) this.events.standbyExited?.(entry.spec.name, code, signal);
      });
      this.events.started(`${entry.spec.name} standby`, standby.pid ?? -1);
    }, limits.supervisorStandbyDelayMs);
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILL; resolves when the process has exited. */
async function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || !isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
async function stopProcess(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (child === undefined || !isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
}
