/**
 * `npm run bench:recovery`: how long a restarted coordinator and a restarted participant
 * take to recover 10,000 committed-but-unacknowledged txs. See `npm run bench:recovery -- --help`.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileCli } from './dev-system.js';
import { benchRun } from './bench-run.js';
import { formatRecoveryReport } from './format-recovery-report.js';
import { machineInfo } from './machine-info.js';
import { OutcomeProbe } from './outcome-probe.js';
import { pollUntil } from './poll-until.js';
import { parseRecoveryOptions } from './recovery-options.js';
import type { CoordinatorRecovery, ParticipantRecovery, RecoveryReport, SinceSpawnMs, StateBuilt } from './recovery-report.js';
import { RecoveryRig } from './recovery-rig.js';

/** How long any one measure is watched before it is reported as not seen. */
const boundMs = 120_000;
/** Polls of the measured answers: the resolution of every time printed. */
const pollMs = 5;
/** Txs whose outcome is asked once phase 2 is done. */
const sampleSize = 200;

const progress = (text: string): void => void process.stderr.write(`[bench:recovery] ${text}\n`);

async function main(): Promise<void> {
  const options = parseRecoveryOptions(process.argv.slice(2));
  const startedMs = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo(benchRun.repoDir);
  compileCli(progress);
  const dir = await mkdtemp(join(tmpdir(), 'twophase-bench-recovery-'));
  // the embedded PostgreSQL runs as the `postgres` user when we are root: it must reach its directory
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'logs'));
  progress(`data and logs in ${dir}`);
  const rig = await RecoveryRig.start(dir, options.txs, options.logLevel);
  let report: RecoveryReport;
  try {
    const coordinator = await measureCoordinator(rig, options.txs, options.concurrency);
    const participants = await measureParticipants(rig, options.txs, options.concurrency);
    report = {
      date,
      machine,
      settings: { txs: options.txs, concurrency: options.concurrency, logLevel: options.logLevel, maxPreparedTransactions: rig.maxPreparedTransactions },
      boundMs,
      coordinator,
      participants,
      totalS: (performance.now() - startedMs) / 1000,
    };
  } finally {
    await rig.stop();
    if (options.keepDir) progress(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  console.log(formatRecoveryReport(report));
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`wrote ${options.json}`);
  }
}

async function buildState(rig: RecoveryRig, txs: number, concurrency: number, round: string): Promise<{ state: StateBuilt; txIds: string[] }> {
  progress(`${round}: committing ${txs} txs while every Commit is held…`);
  const { txIds, seconds } = await rig.commitWithoutAcks(txs, concurrency, round, progress);
  const preparedOnDisk = await rig.preparedOnDisk();
  progress(`${round}: ${txIds.length} txs in ${seconds.toFixed(1)} s; coordinator and participants killed; prepared on disk: ${preparedOnDisk.postgres} PostgreSQL, ${preparedOnDisk.blob} blob`);
  return { state: { txs: txIds.length, seconds, preparedOnDisk }, txIds };
}

/**
 * The participants are started first (they recover their branches and wait for the
 * coordinator, asking it with backoff), then the coordinator; every measure counts from
 * the coordinator's spawn.
 */
async function measureCoordinator(rig: RecoveryRig, txs: number, concurrency: number): Promise<CoordinatorRecovery> {
  const { state, txIds } = await buildState(rig, txs, concurrency, 'coordinator');
  for (const name of ['blob', 'metadata'] as const) await rig.start(name);
  for (const name of ['blob', 'metadata'] as const) await rig.ready(name);
  const participantsInDoubt = { blob: await rig.probes.blob.counter('in_doubt'), metadata: await rig.probes.metadata.counter('in_doubt') };
  const outcome = new OutcomeProbe(rig.addresses.coordinator);
  const probed = txIds[Math.floor(txIds.length / 2)] ?? '';
  let firstOutcome: string | undefined;
  try {
    progress('coordinator: restarting it…');
    const { spawnedAtMs } = await rig.start('coordinator');
    const since = (at: number | undefined): SinceSpawnMs => (at === undefined ? undefined : at - spawnedAtMs);
    const statZero = (name: 'coordinator' | 'blob' | 'metadata', counter: string) => async () => (await rig.probes[name].read(500))?.[counter] === 0;
    const [answered, committed, phase2Done, blobZero, metadataZero] = await Promise.all([
      pollUntil(async () => (await rig.probes.coordinator.read(200)) !== undefined, pollMs, boundMs),
      pollUntil(async () => {
        const answer = await outcome.outcome(probed, 200);
        firstOutcome ??= answer;
        return answer === 'OUTCOME_COMMITTED';
      }, pollMs, boundMs),
      pollUntil(statZero('coordinator', 'live_txs'), pollMs, boundMs),
      pollUntil(statZero('blob', 'in_doubt'), pollMs, boundMs),
      pollUntil(statZero('metadata', 'in_doubt'), pollMs, boundMs),
    ]);
    const sampleOutcomes: Record<string, number> = {};
    for (let i = 0; i < sampleSize && txIds.length > 0; i++) {
      const answer = (await outcome.outcome(txIds[Math.floor(Math.random() * txIds.length)] ?? '', 5_000)) ?? 'no answer';
      sampleOutcomes[answer] = (sampleOutcomes[answer] ?? 0) + 1;
    }
    const preparedOnDiskAfter = await rig.preparedOnDisk();
    progress(`coordinator: GetOutcome committed at ${since(committed)?.toFixed(0)} ms, phase 2 done at ${since(phase2Done)?.toFixed(0)} ms`);
    return {
      state,
      participantsInDoubt,
      answeredMs: since(answered),
      firstOutcome,
      committedMs: since(committed),
      phase2DoneMs: since(phase2Done),
      inDoubtZeroMs: { blob: since(blobZero), metadata: since(metadataZero) },
      sampleOutcomes,
      preparedOnDiskAfter,
    };
  } finally {
    outcome.close();
    for (const name of ['coordinator', 'blob', 'metadata'] as const) await rig.processes.stop(name);
  }
}

/**
 * The coordinator is started first and re-drives phase 2 to participants that are down;
 * then the blob participant is started and measured, then the metadata participant.
 */
async function measureParticipants(rig: RecoveryRig, txs: number, concurrency: number): Promise<RecoveryReport['participants']> {
  const { state } = await buildState(rig, txs, concurrency, 'participants');
  await rig.start('coordinator');
  await rig.ready('coordinator');
  const coordinatorLiveAtStart = await rig.probes.coordinator.counter('live_txs');
  const runs: ParticipantRecovery[] = [];
  let lastSpawnMs = 0;
  try {
    for (const name of ['blob', 'metadata'] as const) {
      progress(`participants: restarting ${name}…`);
      const { spawnedAtMs } = await rig.start(name);
      lastSpawnMs = spawnedAtMs;
      let inDoubtAtFirstAnswer: number | undefined;
      const [answered, resolved] = await Promise.all([
        pollUntil(async () => {
          const stats = await rig.probes[name].read(200);
          if (stats !== undefined) inDoubtAtFirstAnswer ??= stats.in_doubt;
          return stats !== undefined;
        }, pollMs, boundMs),
        pollUntil(async () => (await rig.probes[name].read(500))?.in_doubt === 0, pollMs, boundMs),
      ]);
      const since = (at: number | undefined): SinceSpawnMs => (at === undefined ? undefined : at - spawnedAtMs);
      runs.push({ name, answeredMs: since(answered), inDoubtAtFirstAnswer, resolvedMs: since(resolved) });
      progress(`participants: ${name} resolved all at ${since(resolved)?.toFixed(0)} ms`);
    }
    const phase2Done = await pollUntil(async () => (await rig.probes.coordinator.read(500))?.live_txs === 0, 20, boundMs);
    return {
      state,
      coordinatorLiveAtStart,
      runs,
      phase2DoneAfterMs: phase2Done === undefined ? undefined : phase2Done - lastSpawnMs,
      preparedOnDiskAfter: await rig.preparedOnDisk(),
    };
  } finally {
    for (const name of ['coordinator', 'blob', 'metadata'] as const) await rig.processes.stop(name);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:recovery failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
