import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../assert/assert.js';
import { limits } from '../limits/limits.js';
import { supervisedEnvName } from './supervised-child.js';

export interface ChildSpec {
  /** Short name, also the log file name: `coordinator`, `blob`, … */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A line of the child's stdout that means it is ready to serve. */
  readonly ready: RegExp;
}

export interface SupervisorEvents {
  started(name: string, pid: number): void;
  ready(name: string, pid: number): void;
  exited(name: string, code: number | null, signal: NodeJS.Signals | null, restartInMs: number | undefined): void;
}

interface Running {
  readonly spec: ChildSpec;
  child: ChildProcess | undefined;
  restarts: number;
  /** When the running child printed its ready line, if it has. */
  readyAtMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  readyWaiters: (() => void)[];
}

/**
 * Runs child processes, each with its output in `logDir/<name>.log`, and restarts one
 * that dies, with a growing delay, until `stop`. Used by `twophase dev`. A child that runs
 * the CLI stops by itself when the supervisor dies (stopWithSupervisor).
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
    const entry: Running = { spec, child: undefined, restarts: 0, readyAtMs: undefined, timer: undefined, readyWaiters: [] };
    this.children.set(spec.name, entry);
    const ready = new Promise<void>((resolve) => entry.readyWaiters.push(resolve));
    this.launch(entry);
    return ready;
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.children].map(([name, e]) => [name, e.child?.pid]));
  }

  /** Stops children in the reverse order of their start: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = limits.supervisorStopGraceMs): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.children.values()].reverse()) {
      clearTimeout(entry.timer);
      const child = entry.child;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    }
  }

  private launch(entry: Running): void {
    const { spec } = entry;
    const log: WriteStream = createWriteStream(join(this.logDir, `${spec.name}.log`), { flags: 'a' });
    // stdin: a pipe the child reads and we never write, which closes when we die (see stopWithSupervisor)
    const child = spawn(spec.command, [...spec.args], { env: { ...process.env, ...spec.env, [supervisedEnvName]: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    entry.child = child;
    entry.readyAtMs = undefined;
    let pending = '';
    child.stdout?.on('data', (data: Buffer) => {
      log.write(data);
      if (entry.readyAtMs !== undefined) return;
      pending = (pending + data.toString('utf8')).slice(-limits.supervisorOutputTailLengthMax);
      if (spec.ready.test(pending)) {
        entry.readyAtMs = Date.now();
        pending = '';
        this.events.ready(spec.name, child.pid ?? -1);
        for (const resolve of entry.readyWaiters.splice(0)) resolve();
      }
    });
    child.stderr?.on('data', (data: Buffer) => log.write(data));
    child.on('error', (err) => log.write(`spawn error: ${err.message}\n`));
    this.events.started(spec.name, child.pid ?? -1);
    // 'close' comes after the last output was read; ending the file at 'exit' could lose it
    child.on('close', () => log.end());
    child.on('exit', (code, signal) => {
      if (this.stopping) {
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
}
