import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `twophase ARGS` from source to its end, as a user would (with `env` added to ours), and returns what it printed and its exit code. */
export function runCli(args: readonly string[], timeoutMs = 180_000, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...args], { cwd: root, timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A real `twophase` process started from source (or, with `built`, as `npm install` builds it: bin/twophase.js), with its JSON log lines collected. */
export class CliProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];

  constructor(args: readonly string[], env: Record<string, string> = {}, options: { readonly built?: boolean } = {}) {
    const cli = options.built === true ? [join(root, 'bin', 'twophase.js')] : ['--import', 'tsx', join(root, 'cli', 'main.ts')];
    this.child = spawn(process.execPath, [...cli, ...args], {
      cwd: root,
      env: { ...process.env, TWOPHASE_LOG_LEVEL: 'debug', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.onLine(text);
      }
    });
    this.child.stderr?.on('data', (data: Buffer) => this.stderr.push(data.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first log line (past or future) matching, or rejects after `timeoutMs`. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`process exited (code ${code}, signal ${signal}) before the line; stderr: ${this.stderr.join('')}`));
      });
    });
  }

  /** The port from the `gRPC server listening` line. */
  async grpcPort(): Promise<number> {
    const line = await this.waitForLine((l) => l.msg === 'gRPC server listening');
    return Number(line.port);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  private onLine(text: string): void {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    this.lines.push(line);
    const ready = this.waiters.filter((w) => w.match(line));
    this.waiters = this.waiters.filter((w) => !w.match(line));
    for (const w of ready) w.resolve(line);
  }
}
