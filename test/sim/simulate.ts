import { coordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import { participantConfig } from '../../participant/participant-runtime.js';
import { allowUnsafeFailpoints, arm } from '../../lib/failpoints/failpoints.js';
import { coordinatorFailpoints } from '../../coordinator/coordinator-failpoints.js';
import { SimChecker } from './sim-checker.js';
import { SimClient } from './sim-client.js';
import { SimCoordinatorHost } from './sim-coordinator-host.js';
import { SimDisk } from './sim-disk.js';
import { decisionLogSyncSites } from '../../coordinator/log/file-decision-log.js';
import { SimNetwork, type Endpoint } from './sim-network.js';
import { swarmScenario, type Scenario, type SimOptions } from './sim-options.js';
import { SimParticipantHost } from './sim-participant-host.js';
import { SimBlobStorage } from './sim-blob-storage.js';
import { SimResourceManager } from './sim-resource-manager.js';
import { SimWorld, type SimStats } from './sim-world.js';

export interface SimResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly stats: SimStats;
  readonly scenario: Scenario;
}

const participantIds = ['pa', 'pb', 'pc'] as const;
/** The participant that runs the production blob store (on a simulated disk); the others are simulated storage. */
const blobParticipantId = 'pa';
/** In last-resource mode: the participant that answers Abort of a committed branch like the metadata participant does. */
const lastResourceId = 'pb';

/**
 * Durations of the real protocol, scaled down ~50× so one run covers many deadlines and
 * retries in little simulated time; their order (idle limit > tx timeout > prepare
 * timeout > in-doubt ask > retries > network delay) is production's.
 */
const coordinatorSimConfig = coordinatorConfig({
  knownParticipants: [...participantIds],
  txTimeoutMsDefault: 600,
  prepareTimeoutMs: 250,
  phase2WaitMs: 100,
  retryBackoffMsBase: 10,
  retryBackoffMsMax: 200,
  abortRetryForMs: 3_000,
});

/** Production's 10 min outcome retention, scaled: longer than any run, so only a restart can make the coordinator forget. */
const outcomeRetentionMsDefault = 30_000;

const participantSimConfig = participantConfig({
  branchIdleMsMax: 900,
  inDoubtAskAfterMs: 150,
  outcomeRetryMsBase: 10,
  outcomeRetryMsMax: 200,
});

const coordinatorTickMs = 10;
const participantTickMs = 25;
const healCheckMs = 25;
const livenessBoundMsDefault = 15_000;

class ClientHost implements Endpoint {
  readonly name = 'client';
  readonly up = true;
  readonly incarnation = 1;
  handle(): void {}
}

/** One seeded run: workload under faults, then heal, then durability, no orphans and liveness. */
export async function simulate(options: SimOptions): Promise<SimResult> {
  // mutant (a) is the one production ships behind --unsafe-failpoints: arm it, for this run only
  const unsafe = coordinatorFailpoints.unsafeCommitBeforeSync.name;
  if (options.mutant === 'commitBeforeSync') {
    allowUnsafeFailpoints();
    arm(unsafe, { kind: 'error' });
  }
  try {
    return await simulateOnce(options);
  } finally {
    if (options.mutant === 'commitBeforeSync') arm(unsafe, { kind: 'off' });
  }
}

async function simulateOnce(options: SimOptions): Promise<SimResult> {
  const w = new SimWorld(options.seed, options.trace);
  const rng = w.rng;
  const scenario: Scenario = { ...swarmScenario(rng), ...options.scenario };
  const mutant = options.mutant;
  const checker = new SimChecker(w, options.continueAfterViolation !== true, options.presumedAbortIsAnswer ?? true);
  const net = new SimNetwork(w);
  net.dropRate = scenario.dropRate;
  net.dupRate = scenario.dupRate;
  net.slowRate = scenario.slowRate;
  const skew = (): number => rng.range(-scenario.skewMsMax, scenario.skewMsMax);

  let nextTx = 0;
  let nextOp = 0;
  // a crash injected right after a step, like a kill -9 between two instructions
  const afterStep = (node: SimCoordinatorHost | SimParticipantHost): (() => void) => () => {
    if (!w.faultsOn || scenario.crashAfterStep === 0 || !rng.chance(scenario.crashAfterStep)) return;
    const incarnation = node.incarnation;
    w.soon(() => node.incarnation === incarnation && node.up && crash(node));
  };

  // as in production, the log keeps ended commits and the SDK trusts a presumed abort for (9/10 of) the outcome retention
  const outcomeRetentionMs = options.outcomeRetentionMs ?? outcomeRetentionMsDefault;
  const participantNodes = new Map<string, number>();
  // the coordinator's machine: fsync takes a millisecond or two, and now and then stalls
  const disk = new SimDisk(w, { syncDelayMs: [0.3, 2.5], syncStalls: { share: 0.02, ms: [10, 120] }, nowMs: () => w.nowMs });
  if (options.logSyncsOnOpen === false) disk.ignoreSyncs(decisionLogSyncSites.filter((site) => site === 'log.segment.replay'));
  const coordinatorOptions = {
    config: {
      ...coordinatorSimConfig,
      finishedRetentionMs: outcomeRetentionMs,
      ...(options.finishedTxMax === undefined ? {} : { finishedTxMax: options.finishedTxMax }),
      lastResource: options.commitMode === 'last-resource' ? lastResourceId : '',
    },
    tickMs: coordinatorTickMs,
    phase2CallTimeoutMs: 100,
    skewMs: skew(),
    mutant,
    participantNodes,
    // a real tx id is 21 to 64 characters: t000…0042
    newTxId: () => `t${String(++nextTx).padStart(20, '0')}`,
    afterStep: () => {},
    logReclaimDelayMs: options.logReclaimDelayMs ?? outcomeRetentionMs,
    // a few records per segment, as a stand-in for the production 64 MiB
    logSegmentBytesMax: 300 + rng.below(900),
  };
  const coordinator = new SimCoordinatorHost(w, net, disk, checker, coordinatorOptions);
  checker.durableCommitOf = (txId) => coordinator.durableCommitOf(txId);
  coordinatorOptions.afterStep = afterStep(coordinator);
  coordinator.node = net.add(coordinator);

  const storageOf = (id: string): SimResourceManager => {
    const rm = new SimResourceManager(w, id, checker, mutant);
    rm.failRate = scenario.rmFailRate;
    rm.noRate = 0.02;
    const abortOfCommitted = options.abortOfCommitted ?? 'mixed';
    rm.abortOfCommitted = abortOfCommitted === 'mixed' ? (id === 'pb' ? 'succeed' : 'refuse') : abortOfCommitted;
    return rm;
  };
  const participants: SimParticipantHost[] = [];
  for (const id of participantIds) {
    const rm = id === blobParticipantId ? new SimBlobStorage(w, id, checker) : storageOf(id);
    checker.holders.set(id, rm);
    const participantOptions = {
      config: options.participantCommittedRememberedMax === undefined ? participantSimConfig : { ...participantSimConfig, committedRememberedMax: options.participantCommittedRememberedMax },
      tickMs: participantTickMs,
      coordinatorCallTimeoutMs: 100,
      skewMs: skew(),
      coordinatorNode: coordinator.node,
      mutant,
      enlistNamesIncarnation: options.enlistNamesIncarnation ?? true,
      commitOfUnknownBranchVerifiesOnly: options.commitOfUnknownBranchVerifiesOnly ?? true,
      afterStep: () => {},
    };
    const p = new SimParticipantHost(w, net, rm, checker, participantOptions);
    participantOptions.afterStep = afterStep(p);
    p.node = net.add(p);
    participantNodes.set(id, p.node);
    participants.push(p);
  }
  const clientNode = net.add(new ClientHost());
  const processes: (SimCoordinatorHost | SimParticipantHost)[] = [coordinator, ...participants];

  function crash(node: SimCoordinatorHost | SimParticipantHost): void {
    w.stats.crashes++;
    if (node instanceof SimCoordinatorHost) {
      const machine = rng.chance(scenario.machineCrashShare);
      if (machine) w.stats.machineCrashes++;
      if (w.tracing) w.trace(`!! crash C (${machine ? 'machine: page cache lost' : 'process'})`);
      node.crash(machine, rng.chance(scenario.tornShare));
    } else {
      // only the blob participant's machine has a disk of its own to lose power on
      const machine = node.rm instanceof SimBlobStorage && rng.chance(scenario.machineCrashShare);
      if (machine) w.stats.blobMachineCrashes++;
      if (w.tracing) w.trace(`!! crash ${node.name}${machine ? ' (machine: page cache lost)' : ''}`);
      node.crash(machine);
    }
    const incarnation = node.incarnation;
    w.after(rng.range(1, 120), () => restart(node, incarnation));
  }

  function restart(node: SimCoordinatorHost | SimParticipantHost, incarnation: number): void {
    if (node.up || node.incarnation !== incarnation) return;
    if (w.tracing) w.trace(`!! restart ${node.name}`);
    startOrReport(node);
  }

  function startOrReport(node: SimCoordinatorHost | SimParticipantHost): void {
    node.start().catch((err: unknown) => checker.violation(`${node.name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  }

  const poisson = (perSec: number, until: number, fire: () => void): void => {
    if (perSec <= 0) return;
    const next = (): void => {
      const at = w.nowMs - (Math.log(1 - rng.next()) * 1000) / perSec;
      if (at < until) w.at(at, () => (w.faultsOn && fire(), next()));
    };
    next();
  };

  const healAtMs = scenario.workloadMs + 50;
  for (const node of processes) {
    poisson(scenario.crashesPerSec, healAtMs, () => node.up && crash(node));
  }
  poisson(scenario.partitionsPerSec, healAtMs, () => {
    const a = rng.below(net.nodes.length);
    const untilMs = w.nowMs + rng.range(5, 150);
    w.stats.partitions++;
    const isolate = rng.chance(0.5);
    if (w.tracing) w.trace(`!! partition ${net.nodes[a]!.name} ${isolate ? 'from all' : ''} until ${untilMs.toFixed(1)}`);
    for (let b = 0; b < net.nodes.length; b++) {
      if (b !== a && (isolate || rng.chance(0.5))) net.cut(a, b, untilMs);
    }
  });
  poisson(scenario.heuristicPerSec, healAtMs, () => {
    const p = rng.pick(participants);
    const txId = p.rm.heuristicRollback();
    if (txId === undefined) return;
    w.stats.heuristicRollbacks++;
    if (w.tracing) w.trace(`!! heuristic rollback of ${txId} at ${p.name}`);
  });

  for (let i = 0; i < scenario.txs; i++) {
    const client = new SimClient(w, net, checker, {
      node: clientNode,
      coordinatorNode: coordinator.node,
      participants: participants.map((p) => ({ name: p.name, node: p.node })),
      opsPerParticipantMax: scenario.opsPerParticipantMax,
      callTimeoutMs: 150,
      presumedAbortTrustMs: options.clientPresumedAbortTrustMs ?? outcomeRetentionMs * 0.9,
      nextOp: () => ++nextOp,
    });
    w.at(rng.range(0, scenario.workloadMs), () => client.start());
  }

  for (const node of processes) startOrReport(node);

  const livenessBoundMs = options.livenessBoundMs ?? livenessBoundMsDefault;
  let quiescedAtMs = -1;
  w.at(healAtMs, () => {
    if (w.tracing) w.trace('!! heal: no more faults; every process restarts');
    w.faultsOn = false;
    net.heal();
    for (const node of processes) if (!node.up) restart(node, node.incarnation);
    const check = (): void => {
      if (finished(coordinator, participants, checker)) {
        quiescedAtMs = w.nowMs;
        w.stop();
        return;
      }
      if (w.nowMs - healAtMs < livenessBoundMs) w.after(healCheckMs, check);
    };
    w.after(healCheckMs, check);
  });

  try {
    await w.run(healAtMs + livenessBoundMs + healCheckMs);
  } catch (err) {
    checker.violation(`exception: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  w.stats.simulatedMs = w.nowMs;

  if (checker.violations.length === 0 || options.continueAfterViolation === true) {
    w.stopped = false;
    if (quiescedAtMs < 0) {
      checker.violation(`not finished ${livenessBoundMs} ms after the faults healed [liveness]: ${leftovers(coordinator, participants, checker).slice(0, 8).join('; ')}`);
    } else {
      w.stats.quiesceMs = quiescedAtMs - healAtMs;
      checker.finalCheck();
      await finalRecoveryCheck(coordinator, participants, checker, w);
    }
  }

  for (const g of checker.ghosts.values()) {
    const committed = g.committedAt.size > 0 || g.told === 'committed' || g.durableCommit !== undefined;
    if (committed) w.stats.committed++;
    else w.stats.aborted++;
  }
  return { seed: options.seed, violations: checker.violations, stats: w.stats, scenario };
}

/** Cheap test, run every few simulated ms after healing: nothing left anywhere? */
function finished(coordinator: SimCoordinatorHost, participants: readonly SimParticipantHost[], checker: SimChecker): boolean {
  if (checker.damagedCount > 0) return leftovers(coordinator, participants, checker).length === 0;
  // a process still recovering has not yet read what it must finish
  if (!coordinator.serving || coordinator.runtime === undefined || coordinator.runtime.stats().live > 0) return false;
  for (const p of participants) {
    if (!p.serving || p.runtime === undefined || p.runtime.branchCount() > 0 || p.rm.leftovers().length > 0) return false;
  }
  for (const g of checker.ghosts.values()) if (g.wantsOutcome) return false;
  return true;
}

/** What is still unfinished anywhere (txs damaged by a heuristic rollback excepted). */
function leftovers(coordinator: SimCoordinatorHost, participants: readonly SimParticipantHost[], checker: SimChecker): string[] {
  const out: string[] = [];
  const healthy = (txId: string): boolean => checker.ghosts.get(txId)?.damaged !== true;
  if (!coordinator.serving || coordinator.runtime === undefined) return [coordinator.up ? 'coordinator recovering' : 'coordinator down'];
  for (const { txId, kind } of coordinator.runtime.unfinished()) if (healthy(txId)) out.push(`C ${txId} ${kind}`);
  for (const p of participants) {
    if (!p.serving || p.runtime === undefined) {
      out.push(`${p.name} ${p.up ? 'recovering' : 'down'}`);
      continue;
    }
    for (const { txId, kind } of p.runtime.branches()) if (healthy(txId)) out.push(`${p.name} ${txId} ${kind}`);
    for (const txId of p.rm.leftovers()) if (healthy(txId)) out.push(`${p.name}/rm ${txId}`);
  }
  for (const g of checker.ghosts.values()) if (g.wantsOutcome && !g.damaged) out.push(`client of ${g.txId} waits`);
  return out;
}

/** No orphans after recovery: restart everything once more; nothing may be re-driven or in doubt. */
async function finalRecoveryCheck(coordinator: SimCoordinatorHost, participants: readonly SimParticipantHost[], checker: SimChecker, w: SimWorld): Promise<void> {
  const damaged = (txId: string): boolean => checker.ghosts.get(txId)?.damaged === true;
  // what a restart re-drives (ends are appended unsynced: the page cache is what a process restart reads)
  // a clean stop first: it flushes the log's queue (an END is appended unsynced, and losing
  // it to a crash only costs a redundant re-drive, which is allowed); what is checked is
  // that nothing is left to re-drive once the appends made have landed
  if (coordinator.runtime !== undefined) await w.runUntil(coordinator.runtime.stop(), w.nowMs + 5_000);
  coordinator.crash(false, false, 'done');
  // a restart replays the log from the disk: the world runs until it serves
  if (!(await w.runUntil(coordinator.start(), w.nowMs + 5_000))) {
    checker.violation('the coordinator did not restart within 5 s of simulated time [no orphans]');
    return;
  }
  const redriven = coordinator.runtime!.unfinished().map((tx) => tx.txId).filter((txId) => !damaged(txId));
  if (redriven.length > 0) checker.violation(`a restarted coordinator re-drives ${redriven.join(',')} [no orphans]`);
  for (const p of participants) {
    const left = p.rm.leftovers().filter((txId) => !damaged(txId));
    if (left.length > 0) checker.violation(`${p.name} keeps branches ${left.join(',')} [no orphans]`);
  }
  void w;
}
