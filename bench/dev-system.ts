import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/free-port/free-port.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lines of `twophase dev` output kept to explain a failed start. */
const outputLinesMax = 200;

export interface DevSystemOptions {
  readonly logLevel: string;
  /** `twophase dev --commit-mode`; default dev's own (two-phase). */
  readonly commitMode?: 'two-phase' | 'last-resource';
  /** How long the start may take (the first one runs initdb). */
  readonly startTimeoutMs: number;
  /** Run every child of dev under `node --cpu-prof` (dev's `--cpu-prof-dir`), its profiles in `cpuProfDir/<child>/`. */
  readonly cpuProfiles?: boolean;
  /**
   * Run tsc's output (dist/cli/main.js, one file per module) instead of the bundle that
   * `npm start` runs: a profile's frames then name our modules and lines.
   */
  readonly unbundled?: boolean;
  /** `twophase dev --tls`: mutual TLS on every link, with dev's throwaway CA. */
  readonly tls?: boolean;
  /** `twophase dev --decision-log`; default dev's own (file). */
  readonly decisionLog?: 'file' | 'shared';
  /** `false`: `twophase dev --no-standby`, every restart a cold start. */
  readonly standby?: boolean;
}

/**
 * Compiles the CLI (`npm run build`: tsc into dist/, then the bundle of dist/bundle/cli/), so that what is measured is what
 * `npm start` runs: the bundled JavaScript, not the TypeScript through tsx (whose source
 * maps alone make every stack trace formatted on the hot path several times dearer).
 */
export function compileCli(progress: (text: string) => void): void {
  progress('compiling the CLI (npm run build)…');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`npm run build failed (exit ${tsc.status ?? tsc.signal}):\n${tsc.stdout}${tsc.stderr}`);
  // and bundled, as npm run build does: bin/twophase.js runs the bundle
  const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`npm run build failed bundling the CLI (exit ${bundle.status ?? bundle.signal}):\n${bundle.stdout}${bundle.stderr}`);
}

/**
 * `twophase dev`, compiled (see compileCli), in a fresh temp dir on free ports: embedded
 * PostgreSQL, coordinator, both participants and the gateway, each its own process, as a
 * user runs it.
 */
export class DevSystem {
  private readonly output: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly dir: string,
    /** The HTTP gateway's address, host:port (dev's `--http-listen`). */
    readonly http: string,
    readonly coordinator: string,
    readonly blob: string,
    readonly metadata: string,
    readonly postgresPort: number,
    private readonly child: ChildProcess,
  ) {
    let buffered = '';
    const keep = (data: Buffer): void => {
      buffered += data.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      this.output.push(...lines);
      for (const line of lines) for (const listener of this.lineListeners) listener(line);
      this.output.splice(0, Math.max(0, this.output.length - outputLinesMax));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(options: DevSystemOptions): Promise<DevSystem> {
    const dir = await mkdtemp(join(tmpdir(), 'twophase-bench-'));
    // the embedded PostgreSQL runs as the `postgres` user when we are root: it must reach its directory
    await chmod(dir, 0o755);
    const [httpPort, coordinatorPort, blobPort, metadataPort, postgresPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const metricsPorts = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // settings from the caller's shell (failpoints above all) must not reach the measured processes
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TWOPHASE_')));
    const args = [
      ...[options.unbundled === true ? join(root, 'dist', 'cli', 'main.js') : join(root, 'bin', 'twophase.js'), 'dev'],
      ...['--data-dir', dir, '--http-listen', `127.0.0.1:${httpPort}`],
      ...['--coordinator-port', String(coordinatorPort), '--blob-port', String(blobPort), '--metadata-port', String(metadataPort)],
      ...['--postgres-port', String(postgresPort), '--log-level', options.logLevel],
      // served as `npm start` serves them (a scrape is not part of what is measured)
      ...['--metrics-ports', metricsPorts.join(',')],
      // the Admin service on every gRPC port: the bench reads each process's counters
      '--admin',
      ...(options.commitMode === undefined ? [] : ['--commit-mode', options.commitMode]),
      ...(options.tls === true ? ['--tls'] : []),
      ...(options.standby === false ? ['--no-standby'] : []),
      ...(options.decisionLog === undefined ? [] : ['--decision-log', options.decisionLog]),
      // a flag, not TWOPHASE_DEV_CPU_PROF_DIR: the environment's TWOPHASE_* settings are filtered out above
      ...(options.cpuProfiles === true ? ['--cpu-prof-dir', cpuProfDirOf(dir)] : []),
    ];
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const system = new DevSystem(dir, `127.0.0.1:${httpPort}`, `127.0.0.1:${coordinatorPort}`, `127.0.0.1:${blobPort}`, `127.0.0.1:${metadataPort}`, postgresPort, child);
    await system.waitUntilRunning(options.startTimeoutMs);
    return system;
  }

  /** A URL of `database` in the embedded PostgreSQL, as `twophase dev` sets it up. */
  postgresUrl(database: string): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.postgresPort}/${database}`;
  }

  /** The `twophase dev` process (the supervisor). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Child pids by name, as `dev` records them (JSON). */
  get pidsFile(): string {
    return join(this.dir, 'dev-state.json');
  }

  /** Where the children write their CPU profiles, one directory per child, when started with `cpuProfiles`. */
  get cpuProfDir(): string {
    return cpuProfDirOf(this.dir);
  }

  /** PostgreSQL's pid file: the postmaster's pid on its first line (the `postgres` child of dev is a Node wrapper around it). */
  get postmasterPidFile(): string {
    return join(this.dir, 'postgres', 'postmaster.pid');
  }

  /** The last lines dev printed (its own `[dev] …` lines and the banner; children log to files). */
  outputLines(): readonly string[] {
    return [...this.output];
  }

  /** Calls `listener` with every line dev prints from now on, until the returned function is called. */
  onOutputLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** The log file of one child of dev. */
  logFile(name: string): string {
    return join(this.dir, 'logs', `${name}.log`);
  }

  /**
   * On Ctrl-C of the bench itself: stop dev, delete its dir unless `keepDir`, exit 130.
   * Returns whether that happened, for the code that runs on while dev is being stopped.
   */
  stopOnSigint(keepDir: boolean, progress: (text: string) => void): () => boolean {
    let interrupted = false;
    process.once('SIGINT', () => {
      interrupted = true;
      progress('interrupted: stopping twophase dev…');
      void this.stop(30_000).finally(async () => {
        if (!keepDir) await rm(this.dir, { recursive: true, force: true });
        process.exit(130);
      });
    });
    return () => interrupted;
  }

  /** Ctrl-C, as a user stops it: dev sends SIGTERM to each child and waits for it. SIGKILL past `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const exit = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (exit !== 'timeout') return { ...exit, killed: false };
    this.child.kill('SIGKILL');
    return { ...(await this.exited), killed: true };
  }

  private async waitUntilRunning(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let onData: ((data: Buffer) => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onData = () => {
          if (this.output.includes('twophase is running')) resolve();
        };
        this.child.stdout?.on('data', onData);
        timer = setTimeout(() => reject(new Error(`twophase dev did not print "twophase is running" within ${timeoutMs} ms`)), timeoutMs);
        void this.exited.then(({ code, signal }) => reject(new Error(`twophase dev exited (code ${code}, signal ${signal}) before it was running`)));
      });
    } catch (err) {
      await this.stop(10_000);
      const tail = this.output.slice(-30).join('\n  ');
      throw new Error(`${(err as Error).message}; data dir ${this.dir}; its output:\n  ${tail}`, { cause: err });
    } finally {
      clearTimeout(timer);
      if (onData !== undefined) this.child.stdout?.off('data', onData);
    }
  }
}

function cpuProfDirOf(dir: string): string {
  return join(dir, 'cpu-profiles');
}
