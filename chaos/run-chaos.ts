import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../lib/prng/prng.js';
import { assert } from '../lib/assert/assert.js';
import { awaitRecovery, checkInvariants, checkMoves, PreparedAtLastResource, type Violation } from './chaos-checker.js';
import { shardOf } from '../lib/shard-map/shard-map.js';
import { ChaosFaults, faultKinds, type FaultKind, type FaultRecord } from './chaos-faults.js';
import { ChaosSystem, type BlobBackend } from './chaos-system.js';
import { adminProcesses, failpointProcess, isUnsafeFailpoint, processNames, type ChaosTarget, type CommitMode, type DecisionLogKind } from './chaos-target.js';
import { acknowledged, ChaosWorkload, type Op } from './chaos-workload.js';
import { ExternalSystem, type ExternalOptions } from './external-system.js';

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
  /**
   * How the coordinator the run starts commits (`--commit-mode`; default two-phase). Not
   * with `external`: a deployment commits as its own coordinator was started.
   */
  readonly commitMode?: CommitMode;
  /** Where the blob participant of the system the run starts keeps its bytes (default its directory). Not with `external`. */
  readonly blobBackend?: BlobBackend;
  /** The decision log of the coordinator the run starts (default its file log). Not with `external`. */
  readonly decisionLog?: DecisionLogKind;
  /**
   * Coordinators the run starts on its shared decision log (default 1). With more, the last
   * is SIGKILLed once, at a moment drawn from the seed, and never restarted: its txs must
   * reach their outcomes through the others. Not with `external`.
   */
  readonly coordinators?: number;
  /**
   * Metadata participants the run starts as shards (default 1). With 2, the run's namespace
   * is on the first and some operations move its files to a namespace on the second (one
   * tx over both shards). Not with `external`.
   */
  readonly metadataShards?: number;
  /** An existing deployment to run against; without it the run starts a system of its own. */
  readonly external?: ExternalOptions;
  readonly say: (text: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly durationMs: number;
  /** The gateway the workload used; `self` for a system the run started itself. */
  readonly target: string;
  /** Where the run's files live at the gateway. */
  readonly namespace: string;
  /** The commit mode of the system the run started; `deployment` when it drove one it did not start, which commits as it was started. */
  readonly commitMode: CommitMode | 'deployment';
  /** Where the blob participant of the system the run started kept its bytes; `deployment` for one it did not start. */
  readonly blobBackend: BlobBackend | 'deployment';
  /** The decision log of the coordinator the run started; `deployment` for one it did not start. Absent in older reports: the file log. */
  readonly decisionLog?: DecisionLogKind | 'deployment';
  /** Coordinators of the system the run started; absent in older reports and against a deployment: one. */
  readonly coordinators?: number;
  /** Metadata shards of the system the run started, and the namespace its moves went to; absent: one. */
  readonly metadataShards?: { readonly shards: number; readonly moveTo: string };
  /** With several coordinators: the one killed for good, when, and what became of the txs it began. */
  readonly killedForGood?: KilledForGood;
  /** The fault kinds drawn from (those with something to act on). */
  readonly faultKinds: readonly FaultKind[];
  readonly operations: Record<string, number>;
  readonly statuses: Record<string, number>;
  readonly faults: Record<string, number>;
  readonly faultLog: readonly FaultRecord[];
  readonly restarts: Record<string, number>;
  /** Traffic of each link through its fault proxy over the run. */
  readonly links: Record<string, LinkTraffic>;
  readonly longestInDoubtMs: number;
  readonly recoveredInMs: number;
  readonly violations: readonly Violation[];
  readonly replay: string;
  readonly dir: string | undefined;
}

export interface KilledForGood {
  readonly name: string;
  /** The id its tx ids carry. */
  readonly id: string;
  /** Since the workload began. */
  readonly atMs: number;
  /** Operations of the workload whose tx it began. */
  readonly operations: number;
  /** Its txs in the shared decision log, by `<decision> by <coordinator>`. */
  readonly decisions: Record<string, number>;
}

export interface LinkTraffic {
  readonly connections: number;
  readonly bytesForward: number;
  readonly bytesBackward: number;
  /** Bytes the proxy dropped (partitions, dropped connections). */
  readonly bytesDropped: number;
}

function linkTraffic(system: ChaosTarget): Record<string, LinkTraffic> {
  const out: Record<string, LinkTraffic> = {};
  for (const [link, proxy] of Object.entries(system.proxies)) {
    const s = proxy.stats();
    out[link] = { connections: s.connectionsAccepted, bytesForward: s.forward.bytesDelivered, bytesBackward: s.backward.bytesDelivered, bytesDropped: s.forward.bytesDropped + s.backward.bytesDropped };
  }
  return out;
}

/**
 * One fault-injection run: start the system, run the workload while injecting faults
 * from the seed, heal, wait for recovery, check the invariants.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  if (options.external !== undefined) {
    assert(options.commitMode === undefined, 'a run against a deployment sets no commit mode (the CLI refuses --commit-mode with --gateway)');
    options.say("commit mode: the deployment's own (this run did not start it)");
    const system = await ExternalSystem.start(options.external);
    options.say(`driving the deployment behind ${system.http}`);
    try {
      return await runAgainst(system, options);
    } finally {
      await system.stop();
    }
  }
  const dir = await mkdtemp(join(tmpdir(), `twophase-chaos-${options.seed}-`));
  // the embedded PostgreSQL runs as the postgres user when we are root
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'logs'), { recursive: true });
  // arming the mutant switch needs a coordinator started to allow it; no other run gets one
  const unsafe = options.armAtStart.split(',').some((item) => isUnsafeFailpoint(item.split('=')[0]?.trim() ?? ''));
  const commitMode = options.commitMode ?? 'two-phase';
  options.say(`commit mode ${commitMode}${commitMode === 'last-resource' ? ': the metadata participant is the last resource, its one-phase COMMIT the commit point' : ''}`);
  const blobBackend = options.blobBackend ?? 'local';
  if (blobBackend === 's3') options.say('blob backend s3: the blob participant keeps its bytes in a bucket of a moto_server the run starts');
  const decisionLog = options.decisionLog ?? 'file';
  if (decisionLog === 'shared') options.say("decision log shared: the coordinator's decisions are rows in the run's PostgreSQL, reached through the PostgreSQL link's proxy");
  const coordinators = options.coordinators ?? 1;
  assert(coordinators === 1 || decisionLog === 'shared', 'several coordinators share a decision log (the CLI refuses --coordinators without --decision-log shared)');
  if (coordinators > 1) options.say(`${coordinators} coordinators on the shared log (c1 through the coordinator link's proxy, the others direct); c${coordinators} is killed once and never restarted`);
  const shards = options.metadataShards ?? 1;
  assert(shards <= 2 || commitMode === 'two-phase', 'sharded metadata is for two-phase commit (the CLI refuses it with last-resource mode)');
  if (shards > 1) options.say(`${shards} metadata shards (metadata through its link's proxy, metadata-2 direct, each its own database); some operations move a file to a namespace on metadata-2`);
  const system = await ChaosSystem.start(dir, { say: options.say }, 'warn', unsafe, commitMode, blobBackend, decisionLog, coordinators, shards);
  options.say(`system up in ${dir}`);
  const doomedName = system.otherCoordinators.at(-1);
  const doomed = doomedName === undefined ? undefined : { name: doomedName, id: `c${coordinators}`, kill: () => system.killForGood(doomedName) };
  // a failing run keeps its directory (logs, data) for inspection
  let keep = options.keepDir;
  try {
    const r = await runAgainst(system, options, doomed);
    if (r.violations.length > 0) keep = true;
    return { ...r, dir: keep ? dir : undefined };
  } catch (err) {
    keep = true;
    throw err;
  } finally {
    await system.stop();
    if (!keep) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The run itself; its report names no directory (the caller that made one decides whether it is kept). */
async function runAgainst(system: ChaosTarget, options: ChaosOptions, doomed?: { name: string; id: string; kill: () => Promise<void> }): Promise<ChaosReport> {
  // separate streams: the fault schedule must not depend on how many operations the workload managed
  const faultRng = new Prng(options.seed);
  const workloadRng = new Prng(options.seed ^ 0x5bd1e995);
  // with shards: the run's namespace on the first, and the one its moves go to on another
  const shards = system.metadataShards;
  const namespace = onShard(`chaos-${options.seed}-${Date.now().toString(36)}`, shards[0]!, shards);
  const moveTo = shards.length > 1 ? onShard(`${namespace}-moved`, shards.at(-1)!, shards) : undefined;
  let longestInDoubtMs = 0;
  const workload = new ChaosWorkload(system.http, namespace, workloadRng, (url, init) => system.httpFetch(url, init), 30_000, moveTo);
  // known only for a system the run started; a deployment's mode is its own
  const commitMode = options.external === undefined ? (options.commitMode ?? 'two-phase') : undefined;
  const faults = new ChaosFaults(system, faultRng, options.say, options.faults, commitMode);
  const preparedAtLastResource = commitMode === 'last-resource' ? new PreparedAtLastResource(system) : undefined;
  const skipped = options.faults.filter((k) => !faults.active.includes(k));
  if (skipped.length > 0) options.say(`no fault of kind ${skipped.join(', ')}: nothing to act on (no --kill-command or no --proxy)`);
  let healed = false;
  const watch = setInterval(() => {
    for (const p of ['blob', 'metadata'] as const) {
      void system.stats(p).then(
        (s) => (longestInDoubtMs = Math.max(longestInDoubtMs, s.oldest_in_doubt_ms ?? 0)),
        () => undefined,
      );
    }
    void preparedAtLastResource?.sample();
  }, 500);
  try {
    if (options.armAtStart !== '') {
      for (const p of adminProcesses) {
        const mine = options.armAtStart.split(',').filter((item) => failpointProcess(item) === p);
        if (mine.length > 0) await system.armFailpoints(p, mine.join(','));
      }
    }
    const started = Date.now();
    const until = started + options.durationMs;
    // its own stream, so the other faults' schedule is that of the same seed with one coordinator
    let killedAtMs: number | undefined;
    const killForGood = async (): Promise<void> => {
      if (doomed === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, new Prng(options.seed ^ 0x2545f491).int(Math.round(options.durationMs * 0.2), Math.round(options.durationMs * 0.5))));
      await doomed.kill();
      killedAtMs = Date.now() - started;
      options.say(`fault: ${doomed.name} killed for good (never restarted)`);
    };
    await Promise.all([workload.run(options.workers, until), faults.run(until, started), killForGood()]);
    options.say('workload done; healing every fault');
    await faults.healAll();
    healed = true;
    const recovery = await awaitRecovery(system, options.recoveryBoundMs);
    options.say(`recovered in ${recovery.recoveredInMs} ms; checking invariants`);
    await preparedAtLastResource?.sample();
    const logKind = options.external === undefined ? (options.decisionLog ?? 'file') : 'file';
    const violations = [
      ...recovery.violations,
      ...(preparedAtLastResource?.violations() ?? []),
      ...(await checkInvariants(system, namespace, workload.ops, commitMode, logKind)),
      ...(moveTo === undefined ? [] : await checkMoves(system, namespace, moveTo, workload.ops, logKind)),
    ];
    const killedForGood = doomed === undefined || killedAtMs === undefined ? undefined : await fateOf(system, doomed, killedAtMs, workload.ops);
    return {
      ...report(options, namespace, faults.active, workload.ops, faults.injected, system.restartCounts(), linkTraffic(system), longestInDoubtMs, recovery.recoveredInMs, violations, undefined),
      ...(killedForGood === undefined ? {} : { killedForGood }),
      ...(moveTo === undefined ? {} : { metadataShards: { shards: shards.length, moveTo } }),
    };
  } finally {
    clearInterval(watch);
    // a run that failed half-way leaves no partition and no armed failpoint behind (on a deployment, above all)
    if (!healed) await faults.healAll().catch(() => undefined);
  }
}

/** `base`, or `base-1`, `base-2`… : the first that belongs to `shard`. */
function onShard(base: string, shard: string, shards: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}-${i}`;
    if (shardOf(name, shards) === shard) return name;
  }
}

/** What became of the txs the coordinator killed for good began: their decisions in the shared log, by decider. */
async function fateOf(system: ChaosTarget, doomed: { name: string; id: string }, atMs: number, ops: readonly Op[]): Promise<KilledForGood> {
  const rows = await system.query<{ decision: string; decided_by: string; n: string }>(
    `SELECT decision, decided_by, count(*) AS n FROM twophase_decisions WHERE starts_with(tx_id, $1) GROUP BY decision, decided_by ORDER BY decision, decided_by`,
    [`${doomed.id}-`],
  );
  return {
    name: doomed.name,
    id: doomed.id,
    atMs,
    operations: ops.filter((o) => o.txId?.startsWith(`${doomed.id}-`) === true).length,
    decisions: Object.fromEntries(rows.map((r) => [`${r.decision} by ${r.decided_by}`, Number(r.n)])),
  };
}

function report(
  options: ChaosOptions,
  namespace: string,
  kinds: readonly FaultKind[],
  ops: readonly Op[],
  faultLog: readonly FaultRecord[],
  restarts: Record<string, number>,
  links: Record<string, LinkTraffic>,
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
    target: options.external?.gateway ?? 'self',
    namespace,
    commitMode: options.external === undefined ? (options.commitMode ?? 'two-phase') : 'deployment',
    blobBackend: options.external === undefined ? (options.blobBackend ?? 'local') : 'deployment',
    decisionLog: options.external === undefined ? (options.decisionLog ?? 'file') : 'deployment',
    ...(options.coordinators !== undefined && options.coordinators > 1 ? { coordinators: options.coordinators } : {}),
    faultKinds: kinds,
    operations: { ...count(ops, (o) => o.kind), acknowledged: ops.filter(acknowledged).length, total: ops.length },
    statuses: count(ops, (o) => String(o.status)),
    faults: count(faultLog, (f) => f.kind),
    faultLog,
    restarts,
    links,
    longestInDoubtMs,
    recoveredInMs,
    violations,
    replay: replayCommand(options),
    dir,
  };
}

export function replayCommand(options: Pick<ChaosOptions, 'seed' | 'durationMs' | 'workers' | 'faults' | 'armAtStart' | 'commitMode' | 'blobBackend' | 'decisionLog' | 'coordinators' | 'metadataShards' | 'external' | 'recoveryBoundMs'>): string {
  const time = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  const parts = ['twophase chaos', `--seed ${options.seed}`, `--duration ${time(options.durationMs)}`, `--workers ${options.workers}`];
  if (options.commitMode !== undefined && options.commitMode !== 'two-phase') parts.push(`--commit-mode ${options.commitMode}`);
  if (options.blobBackend === 's3') parts.push('--blob-backend s3');
  if (options.decisionLog === 'shared') parts.push('--decision-log shared');
  if (options.coordinators !== undefined && options.coordinators > 1) parts.push(`--coordinators ${options.coordinators}`);
  if (options.metadataShards !== undefined && options.metadataShards > 1) parts.push(`--metadata-shards ${options.metadataShards}`);
  if (options.recoveryBoundMs !== 60_000) parts.push(`--recovery-bound ${time(options.recoveryBoundMs)}`);
  if (options.faults.length !== faultKinds.length) parts.push(`--faults ${options.faults.join(',')}`);
  if (options.armAtStart !== '') parts.push(`--arm ${quote(options.armAtStart)}`);
  const ext = options.external;
  if (ext !== undefined) {
    parts.push(`--gateway ${quote(ext.gateway)}`, `--database-url ${quote(ext.databaseUrl)}`);
    for (const p of adminProcesses) parts.push(`--admin ${quote(`${p}=${ext.admin[p]}`)}`);
    if (ext.killCommand !== undefined) parts.push(`--kill-command ${quote(ext.killCommand)}`);
    if (ext.restartCommand !== undefined) parts.push(`--restart-command ${quote(ext.restartCommand)}`);
    if (ext.killTargets.length !== processNames.length) parts.push(`--kill-targets ${ext.killTargets.join(',')}`);
    for (const p of ext.proxies) parts.push(`--proxy ${quote(`${p.link}=${p.listenHost}:${p.listenPort}/${p.targetHost}:${p.targetPort}`)}`);
  }
  return parts.join(' ');
}

/** Single-quotes for a POSIX shell. */
function quote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export async function writeReport(path: string, r: ChaosReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(r, null, 2)}\n`);
}
