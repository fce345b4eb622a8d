import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { benchRun } from './bench-run.js';

/** The part of CpuUsage.byPart the baseline server is counted in. */
export const baselineServerPart = 'baseline server';
/** How long the server may take to load, wait for free PostgreSQL connections and listen. */
const startTimeoutMsMax = 60_000;
const stopTimeoutMsMax = 10_000;
/** Lines of its stderr kept to explain a failed start. */
const stderrLinesMax = 30;

/**
 * The naive HTTP upload server (bench/run-baseline-server.ts) as its own process, as the
 * gateway is one: its CPU is counted apart from the bench client's. Run through tsx, as
 * the bench itself is; past its start it runs plain JavaScript.
 */
export class BaselineServer {
  private constructor(
    private readonly child: ChildProcess,
    /** host:port it listens on. */
    readonly address: string,
    private readonly exited: Promise<unknown>,
  ) {}

  /** Starts it with a pool of `poolSize` PostgreSQL connections; resolves once it listens. */
  static async start(options: { readonly databaseUrl: string; readonly dir: string; readonly poolSize: number }): Promise<BaselineServer> {
    const script = join(benchRun.repoDir, 'bench', 'run-baseline-server.ts');
    const args = ['--import', 'tsx', script, '--database-url', options.databaseUrl, '--dir', options.dir, '--pool-size', String(options.poolSize)];
    const child = spawn(process.execPath, args, { cwd: benchRun.repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const stderr: string[] = [];
    child.stderr?.on('data', (data: Buffer) => {
      stderr.push(...data.toString('utf8').split('\n'));
      stderr.splice(0, Math.max(0, stderr.length - stderrLinesMax));
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let buffered = '';
        child.stdout?.on('data', (data: Buffer) => {
          buffered += data.toString('utf8');
          const line = buffered.split('\n').find((l) => l.startsWith('{"port":'));
          if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
        });
        timer = setTimeout(() => reject(new Error(`it did not listen within ${startTimeoutMsMax} ms`)), startTimeoutMsMax);
        void exited.then(({ code, signal }) => reject(new Error(`it exited (code ${code}, signal ${signal}) before it listened`)));
      });
      return new BaselineServer(child, `127.0.0.1:${port}`, exited);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`baseline server: ${(err as Error).message}; its stderr:\n  ${stderr.join('\n  ')}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** SIGTERM (it closes its connections and pool), SIGKILL past a bound. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const force = setTimeout(() => this.child.kill('SIGKILL'), stopTimeoutMsMax);
    await this.exited;
    clearTimeout(force);
  }
}
