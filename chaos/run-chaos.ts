import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../lib/prng/prng.js';
import { awaitRecovery, checkInvariants, type Violation } from './chaos-checker.js';
import { ChaosFaults, type FaultKind, type FaultRecord } from './chaos-faults.js';
import { ChaosSystem } from './chaos-system.js';
import { acknowledged, ChaosWorkload, type Op } from './chaos-workload.js';

export interface ChaosOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly workers: number;
  /** How long recovery may take once every fault is healed. */
  readonly recoveryBoundMs: number;
  readonly faults: readonly FaultKind[];
  /** Extra failpoints armed at start in every process (TWOPHASE_FAILPOINTS grammar), e.g. for a broken variant. */
  readonly armAtStart: string;
  readonly keepDir: boolean;
  readonly say: (text: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly operations: Record<string, number>;
  readonly statuses: Record<string, number>;
  readonly faults: Record<string, number>;
  readonly faultLog: readonly FaultRecord[];
  readonly restarts: Record<string, number>;
  readonly longestInDoubtMs: number;
  readonly recoveredInMs: number;
  readonly violations: readonly Violation[];
  readonly replay: string;
  readonly dir: string | undefined;
}

/**
 * One fault-injection run: start the system, run the workload while injecting faults
 * from the seed, heal, wait for recovery, check the invariants.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const dir = await mkdtemp(join(tmpdir(), `twophase-chaos-${options.seed}-`));
  // the embedded PostgreSQL runs as the postgres user when we are root
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'logs'), { recursive: true });
  // separate streams: the fault schedule must not depend on how many operations the workload managed
  const faultRng = new Prng(options.seed);
  const workloadRng = new Prng(options.seed ^ 0x5bd1e995);
  const system = await ChaosSystem.start(dir, { say: options.say });
  options.say(`system up in ${dir}`);
  let longestInDoubtMs = 0;
  // a failing run keeps its directory (logs, data) for inspection
  let keep = options.keepDir;
  try {
    if (options.armAtStart !== '') {
      for (const p of ['coordinator', 'blob', 'metadata'] as const) {
        const mine = options.armAtStart.split(',').filter((item) => item.startsWith(p === 'coordinator' ? 'coordinator.' : `participant.${p}.`));
        if (mine.length > 0) await system.armFailpoints(p, mine.join(','));
      }
    }
    const started = Date.now();
    const until = started + options.durationMs;
    const workload = new ChaosWorkload(system.http, workloadRng);
    const faults = new ChaosFaults(system, faultRng, options.say, options.faults);
    const watch = setInterval(() => {
      for (const p of ['blob', 'metadata'] as const) {
        void system.stats(p).then(
          (s) => (longestInDoubtMs = Math.max(longestInDoubtMs, s.oldest_in_doubt_ms ?? 0)),
          () => undefined,
        );
      }
    }, 500);
    await Promise.all([workload.run(options.workers, until), faults.run(until, started)]);
    options.say('workload done; healing every fault');
    await faults.healAll();
    const recovery = await awaitRecovery(system, options.recoveryBoundMs);
    clearInterval(watch);
    options.say(`recovered in ${recovery.recoveredInMs} ms; checking invariants`);
    const violations = [...recovery.violations, ...(await checkInvariants(system, workload.ops))];
    if (violations.length > 0) keep = true;
    return report(options, workload.ops, faults.injected, system.restartCounts(), longestInDoubtMs, recovery.recoveredInMs, violations, keep ? dir : undefined);
  } catch (err) {
    keep = true;
    throw err;
  } finally {
    await system.stop();
    if (!keep) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function report(
  options: ChaosOptions,
  ops: readonly Op[],
  faultLog: readonly FaultRecord[],
  restarts: Record<string, number>,
  longestInDoubtMs: number,
  recoveredInMs: number,
  violations: readonly Violation[],
  dir: string | undefined,
): ChaosReport {
  const count = <T>(items: readonly T[], key: (t: T) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
    return out;
  };
  return {
    seed: options.seed,
    durationMs: options.durationMs,
    operations: { ...count(ops, (o) => o.kind), acknowledged: ops.filter(acknowledged).length, total: ops.length },
    statuses: count(ops, (o) => String(o.status)),
    faults: count(faultLog, (f) => f.kind),
    faultLog,
    restarts,
    longestInDoubtMs,
    recoveredInMs,
    violations,
    replay: replayCommand(options),
    dir,
  };
}

export function replayCommand(options: Pick<ChaosOptions, 'seed' | 'durationMs' | 'workers' | 'faults' | 'armAtStart'>): string {
  const parts = ['twophase chaos', `--seed ${options.seed}`, `--duration ${Math.round(options.durationMs / 1000)}s`, `--workers ${options.workers}`];
  if (options.faults.length !== 5) parts.push(`--faults ${options.faults.join(',')}`);
  if (options.armAtStart !== '') parts.push(`--arm '${options.armAtStart}'`);
  return parts.join(' ');
}

export async function writeReport(path: string, r: ChaosReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(r, null, 2)}\n`);
}
