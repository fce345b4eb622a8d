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
import { sharedCoordinatorsDefault, sharedCoordinatorsMax, sharedCoordinatorsMin, sharedLogScenario, sharedLogSim, swarmScenario, type Scenario, type SharedLogScenario, type SimOptions } from './sim-options.js';
import type { CoordinatorEffect } from '../../coordinator/protocol/coordinator-effect.js';
import { SimCoordinatorSet } from './sim-coordinator-set.js';
import { SimDbError, SimSharedDatabase } from './sim-shared-database.js';
import { SimParticipantHost } from './sim-participant-host.js';
import { SimBlobStorage } from './sim-blob-storage.js';
import { SimResourceManager } from './sim-resource-manager.js';
import { SimWorld, type SimStats } from './sim-world.js';
import { assert } from '../../lib/assert/assert.js';

export interface SimResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly stats: SimStats;
  readonly scenario: Scenario;
  /** On a shared log: its drawn faults and sizes. */
  readonly sharedScenario?: SharedLogScenario | undefined;
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
  const shared = options.decisionLog === 'shared';
  const coordinatorCount = shared ? (options.coordinators ?? sharedCoordinatorsDefault) : 1;
  if (shared) {
    assert(options.commitMode !== 'last-resource', 'a shared decision log is not used with a last resource');
    assert(Number.isSafeInteger(coordinatorCount) && coordinatorCount >= sharedCoordinatorsMin && coordinatorCount <= sharedCoordinatorsMax, `${sharedCoordinatorsMin} to ${sharedCoordinatorsMax} coordinators on a shared log`);
  }
  // drawn after everything else a file-log run draws, so that its seeds stay what they were
  const sharedScenario: SharedLogScenario | undefined = shared ? { ...sharedLogScenario(rng, coordinatorCount), ...options.sharedScenario } : undefined;
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
  // on a shared log, a pause right after the step that decided commit: the commit row is not sent yet (a zombie to be)
  const afterCoordinatorStep = (node: SimCoordinatorHost): ((effects: readonly CoordinatorEffect[]) => void) => {
    const crashMaybe = afterStep(node);
    return (effects) => {
      crashMaybe();
      const p = sharedScenario?.pauseAfterDecide ?? 0;
      if (p > 0 && w.faultsOn && !node.gate.paused && effects.some((e) => e.kind === 'appendCommit') && rng.chance(p)) pause(node);
    };
  };

  // as in production, the log keeps ended commits and the SDK trusts a presumed abort for (9/10 of) the outcome retention
  const outcomeRetentionMs = options.outcomeRetentionMs ?? outcomeRetentionMsDefault;
  const participantNodes = new Map<string, number>();
  const coordinatorConfigOfRun = {
    ...coordinatorSimConfig,
    finishedRetentionMs: outcomeRetentionMs,
    ...(options.finishedTxMax === undefined ? {} : { finishedTxMax: options.finishedTxMax }),
    lastResource: options.commitMode === 'last-resource' ? lastResourceId : '',
    sharedLog: shared,
  };
  const coordinators: SimCoordinatorHost[] = [];
  let db: SimSharedDatabase | undefined;
  if (!shared) {
    // the coordinator's machine: fsync takes a millisecond or two, and now and then stalls
    const disk = new SimDisk(w, { syncDelayMs: [0.3, 2.5], syncStalls: { share: 0.02, ms: [10, 120] }, nowMs: () => w.nowMs });
    if (options.logSyncsOnOpen === false) disk.ignoreSyncs(decisionLogSyncSites.filter((site) => site === 'log.segment.replay'));
    const coordinatorOptions = {
      id: '',
      config: coordinatorConfigOfRun,
      tickMs: coordinatorTickMs,
      phase2CallTimeoutMs: 100,
      skewMs: skew(),
      mutant,
      participantNodes,
      // a real tx id is 21 to 64 characters: t000…0042
      newTxId: () => `t${String(++nextTx).padStart(20, '0')}`,
      afterStep: (_effects: readonly CoordinatorEffect[]) => {},
      logReclaimDelayMs: options.logReclaimDelayMs ?? outcomeRetentionMs,
      // a few records per segment, as a stand-in for the production 64 MiB
      logSegmentBytesMax: 300 + rng.below(900),
      sharedLog: undefined,
    };
    const coordinator = new SimCoordinatorHost(w, net, disk, checker, coordinatorOptions);
    checker.durableCommitOf = (txId) => coordinator.durableCommitOf(txId);
    coordinatorOptions.afterStep = afterStep(coordinator);
    coordinator.node = net.add(coordinator);
    coordinators.push(coordinator);
  } else {
    const faults = sharedScenario!;
    const sharedDb = (db = new SimSharedDatabase(w, checker, faults, { statementTimeoutMs: sharedLogSim.statementTimeoutMs }));
    checker.durableCommitOf = (txId) => sharedDb.commitOf(txId);
    const endedRetentionMs = outcomeRetentionMs * sharedLogSim.endedRetentionPerOutcomeRetention;
    const limits = {
      connectionsMax: faults.connectionsMax,
      sideConnectionsMax: sharedLogSim.sideConnectionsMax,
      batchRowsMax: faults.batchRowsMax,
      pendingRecordsMax: faults.pendingRecordsMax,
      retryMsBase: sharedLogSim.retryMsBase,
      retryMsMax: sharedLogSim.retryMsMax,
      endedRetentionMs,
      sweepIntervalMs: endedRetentionMs / sharedLogSim.sweepsPerEndedRetention,
      fencesEarlierProcesses: options.sharedLogFencesEarlierProcesses ?? true,
    };
    for (let i = 1; i <= coordinatorCount; i++) {
      const id = `c${i}`;
      const coordinatorOptions = {
        id,
        config: coordinatorConfigOfRun,
        tickMs: coordinatorTickMs,
        phase2CallTimeoutMs: 100,
        skewMs: skew(),
        mutant,
        participantNodes,
        // newTxIdOf's shape, `<coordinatorId>-<21 characters>`: c2-t000…0042
        newTxId: () => `${id}-t${String(++nextTx).padStart(20, '0')}`,
        afterStep: (_effects: readonly CoordinatorEffect[]) => {},
        logReclaimDelayMs: 0,
        logSegmentBytesMax: 0,
        sharedLog: { db: sharedDb, limits },
      };
      const coordinator = new SimCoordinatorHost(w, net, undefined, checker, coordinatorOptions);
      coordinatorOptions.afterStep = afterCoordinatorStep(coordinator);
      coordinator.node = net.add(coordinator);
      coordinators.push(coordinator);
    }
  }
  const coordinatorEntries = coordinators.map((c) => ({ id: c.id, node: c.node }));

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
      coordinators: coordinatorEntries,
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
  const processes: (SimCoordinatorHost | SimParticipantHost)[] = [...coordinators, ...participants];

  function crash(node: SimCoordinatorHost | SimParticipantHost): void {
    w.stats.crashes++;
    if (node instanceof SimCoordinatorHost) {
      if (shared) {
        // its own disk holds nothing of the log's: a power loss is a crash like any other
        if (w.tracing) w.trace(`!! crash ${node.name}${node.lost ? ' for good' : ''}`);
        node.crash(false, false);
      } else {
        const machine = rng.chance(scenario.machineCrashShare);
        if (machine) w.stats.machineCrashes++;
        if (w.tracing) w.trace(`!! crash C (${machine ? 'machine: page cache lost' : 'process'})`);
        node.crash(machine, rng.chance(scenario.tornShare));
      }
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

  function pause(node: SimCoordinatorHost): void {
    w.stats.pauses++;
    const token = node.gate.pause();
    const forMs = rng.range(sharedLogSim.pauseMsMin, sharedLogSim.pauseMsMax);
    if (w.tracing) w.trace(`!! pause ${node.name} for ${forMs.toFixed(1)} ms`);
    w.after(forMs, () => {
      if (w.tracing && node.gate.paused) w.trace(`!! continue ${node.name}`);
      node.gate.resume(token);
    });
  }

  function restart(node: SimCoordinatorHost | SimParticipantHost, incarnation: number): void {
    if (node.up || node.incarnation !== incarnation) return;
    if (node instanceof SimCoordinatorHost && node.lost) return;
    if (w.tracing) w.trace(`!! restart ${node.name}`);
    startOrReport(node);
  }

  function startOrReport(node: SimCoordinatorHost | SimParticipantHost): void {
    node.start().catch((err: unknown) => {
      if (node instanceof SimCoordinatorHost && err instanceof SimDbError) {
        // the shared log could not be opened: the process exits, and its supervisor starts it again
        if (w.tracing) w.trace(`!! ${node.name} exits: ${err.message}`);
        node.crash(false, false);
        const incarnation = node.incarnation;
        w.after(rng.range(sharedLogSim.restartAfterExitMsMin, sharedLogSim.restartAfterExitMsMax), () => restart(node, incarnation));
        return;
      }
      checker.violation(`${node.name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
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
  if (sharedScenario !== undefined && db !== undefined) {
    const sharedDb = db;
    for (const c of coordinators) {
      poisson(sharedScenario.pausesPerSec, healAtMs, () => c.up && !c.gate.paused && pause(c));
      poisson(sharedScenario.dbCutsPerSec, healAtMs, () => sharedDb.cut(c.name, rng.range(sharedLogSim.dbOutageMsMin, sharedLogSim.dbOutageMsMax)));
    }
    poisson(sharedScenario.dbOutagesPerSec, healAtMs, () => sharedDb.outage(rng.range(sharedLogSim.dbOutageMsMin, sharedLogSim.dbOutageMsMax)));
    // hosts lost for good: each crashes once during the workload and never comes back
    const candidates = [...coordinators];
    for (let i = 0; i < sharedScenario.lostCoordinators && candidates.length > 1; i++) {
      const c = candidates.splice(rng.below(candidates.length), 1)[0]!;
      w.at(rng.range(0, scenario.workloadMs), () => {
        c.lost = true;
        w.stats.lostCoordinators++;
        if (c.up) crash(c);
        else if (w.tracing) w.trace(`!! ${c.name} lost for good`);
      });
    }
  }

  const clientCoordinators = new SimCoordinatorSet(w, coordinatorEntries, sharedLogSim.sdkCoordinatorDownMs);
  for (let i = 0; i < scenario.txs; i++) {
    const client = new SimClient(w, net, checker, {
      node: clientNode,
      coordinators: clientCoordinators,
      participants: participants.map((p) => ({ name: p.name, node: p.node })),
      opsPerParticipantMax: scenario.opsPerParticipantMax,
      callTimeoutMs: 150,
      presumedAbortTrustMs: options.clientPresumedAbortTrustMs ?? outcomeRetentionMs * 0.9,
      beginAttemptMs: sharedLogSim.sdkBeginAttemptMs,
      ownerUnreachableGraceMs: sharedLogSim.sdkOwnerUnreachableGraceMs,
      nextOp: () => ++nextOp,
    });
    w.at(rng.range(0, scenario.workloadMs), () => client.start());
  }

  for (const node of processes) startOrReport(node);

  const livenessBoundMs = options.livenessBoundMs ?? livenessBoundMsDefault;
  let quiescedAtMs = -1;
  w.at(healAtMs, () => {
    if (w.tracing) w.trace(`!! heal: no more faults; every process restarts${shared ? ' (but those lost for good) and every paused one continues' : ''}`);
    w.faultsOn = false;
    net.heal();
    db?.heal();
    for (const c of coordinators) c.gate.resume();
    for (const node of processes) if (!node.up) restart(node, node.incarnation);
    const check = (): void => {
      if (finished(coordinators, participants, checker)) {
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
      checker.violation(`not finished ${livenessBoundMs} ms after the faults healed [liveness]: ${leftovers(coordinators, participants, checker).slice(0, 8).join('; ')}`);
    } else {
      w.stats.quiesceMs = quiescedAtMs - healAtMs;
      checker.finalCheck();
      await finalRecoveryCheck(coordinators, participants, checker, w, db);
    }
  }

  for (const g of checker.ghosts.values()) {
    const committed = g.committedAt.size > 0 || g.told === 'committed' || g.durableCommit !== undefined;
    if (committed) w.stats.committed++;
    else w.stats.aborted++;
  }
  return { seed: options.seed, violations: checker.violations, stats: w.stats, scenario, sharedScenario };
}

/** The coordinators that are meant to run: all but those lost for good. */
function running(coordinators: readonly SimCoordinatorHost[]): SimCoordinatorHost[] {
  return coordinators.filter((c) => !c.lost);
}

/** Cheap test, run every few simulated ms after healing: nothing left anywhere? */
function finished(coordinators: readonly SimCoordinatorHost[], participants: readonly SimParticipantHost[], checker: SimChecker): boolean {
  if (checker.damagedCount > 0) return leftovers(coordinators, participants, checker).length === 0;
  // a process still recovering has not yet read what it must finish
  for (const coordinator of running(coordinators)) if (!coordinator.idle()) return false;
  for (const p of participants) {
    if (!p.serving || p.runtime === undefined || p.runtime.branchCount() > 0 || p.rm.leftovers().length > 0) return false;
  }
  for (const g of checker.ghosts.values()) if (g.wantsOutcome) return false;
  return checker.beginning === 0;
}

/** What is still unfinished anywhere (txs damaged by a heuristic rollback excepted). */
function leftovers(coordinators: readonly SimCoordinatorHost[], participants: readonly SimParticipantHost[], checker: SimChecker): string[] {
  const out: string[] = [];
  const healthy = (txId: string): boolean => checker.ghosts.get(txId)?.damaged !== true;
  for (const coordinator of running(coordinators)) {
    if (!coordinator.serving || coordinator.runtime === undefined) {
      const state = coordinator.up ? 'recovering' : 'down';
      if (coordinators.length === 1) return [`coordinator ${state}`];
      out.push(`${coordinator.name} ${state}`);
      continue;
    }
    for (const { txId, kind } of coordinator.runtime.unfinished()) if (healthy(txId)) out.push(`${coordinator.name} ${txId} ${kind}`);
    if (!coordinator.idle(() => true)) out.push(`${coordinator.name}: its shared log still writes`);
  }
  for (const p of participants) {
    if (!p.serving || p.runtime === undefined) {
      out.push(`${p.name} ${p.up ? 'recovering' : 'down'}`);
      continue;
    }
    for (const { txId, kind } of p.runtime.branches()) if (healthy(txId)) out.push(`${p.name} ${txId} ${kind}`);
    for (const txId of p.rm.leftovers()) if (healthy(txId)) out.push(`${p.name}/rm ${txId}`);
  }
  for (const g of checker.ghosts.values()) if (g.wantsOutcome && !g.damaged) out.push(`client of ${g.txId} waits`);
  if (checker.beginning > 0) out.push(`${checker.beginning} client(s) still beginning`);
  return out;
}

/**
 * No orphans after recovery: restart every coordinator once more; nothing may be re-driven
 * or in doubt. A coordinator lost for good is replaced first by one with its id (a new host:
 * on a shared log nothing of it was on its own disk), which finishes the commits it owns:
 * no one else marks their ends (README, *Shared decision log*).
 */
async function finalRecoveryCheck(coordinators: readonly SimCoordinatorHost[], participants: readonly SimParticipantHost[], checker: SimChecker, w: SimWorld, db: SimSharedDatabase | undefined): Promise<void> {
  const damaged = (txId: string): boolean => checker.ghosts.get(txId)?.damaged === true;
  for (const coordinator of coordinators) {
    if (coordinator.lost) {
      coordinator.lost = false;
      if (!(await w.runUntil(coordinator.start(), w.nowMs + 5_000)) || !(await w.runUntil(untilIdle(coordinator, w, damaged), w.nowMs + 5_000))) {
        checker.violation(`the replacement of ${coordinator.name}, lost for good, did not finish its commits within 10 s of simulated time [no orphans]`);
        return;
      }
    }
    // what a restart re-drives (ends are appended unsynced: the page cache is what a process restart reads)
    // a clean stop first: it flushes the log's queue (an END is appended unsynced, and losing
    // it to a crash only costs a redundant re-drive, which is allowed); what is checked is
    // that nothing is left to re-drive once the appends made have landed
    if (coordinator.runtime !== undefined) await w.runUntil(coordinator.runtime.stop(), w.nowMs + 5_000);
    coordinator.crash(false, false, 'done');
    // a restart replays the log from the disk: the world runs until it serves
    if (!(await w.runUntil(coordinator.start(), w.nowMs + 5_000))) {
      checker.violation(`${coordinator.name === 'C' ? 'the coordinator' : coordinator.name} did not restart within 5 s of simulated time [no orphans]`);
      return;
    }
    const redriven = coordinator.runtime!.unfinished().map((tx) => tx.txId).filter((txId) => !damaged(txId));
    if (redriven.length > 0) checker.violation(`a restarted coordinator${coordinator.name === 'C' ? '' : ` ${coordinator.name}`} re-drives ${redriven.join(',')} [no orphans]`);
  }
  const open = db?.openCommits().filter((txId) => !damaged(txId)) ?? [];
  if (open.length > 0) checker.violation(`the shared log holds commit rows without an end: ${open.join(',')} [no orphans]`);
  for (const p of participants) {
    const left = p.rm.leftovers().filter((txId) => !damaged(txId));
    if (left.length > 0) checker.violation(`${p.name} keeps branches ${left.join(',')} [no orphans]`);
  }
}

/** Resolves once `coordinator` serves and holds no unfinished tx but damaged ones (checked every few simulated ms). */
function untilIdle(coordinator: SimCoordinatorHost, w: SimWorld, damaged: (txId: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (coordinator.idle(damaged)) resolve();
      else w.after(healCheckMs, check);
    };
    check();
  });
}
