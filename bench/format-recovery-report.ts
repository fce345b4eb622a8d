import { recoveryGoalsMs, type RecoveryReport, type SinceSpawnMs } from './recovery-report.js';
import { textTable } from '../lib/text-table/text-table.js';

/** The recovery bench's results as plain text: each measure beside its goal, and whether it is reached. */
export function formatRecoveryReport(r: RecoveryReport): string {
  const m = r.machine;
  const c = r.coordinator;
  const p = r.participants;
  const ms = (v: SinceSpawnMs): string => (v === undefined ? `not seen in ${r.boundMs / 1000} s` : `${Math.round(v)} ms`);
  const verdict = (v: SinceSpawnMs, goalMs: number): string => (v !== undefined && v <= goalMs ? 'reached' : 'NOT REACHED');
  const state = (s: RecoveryReport['coordinator']['state']): string =>
    `${s.txs} txs committed in ${s.seconds.toFixed(1)} s, none acked; then prepared on disk: ${s.preparedOnDisk.postgres} PostgreSQL prepared transactions, ${s.preparedOnDisk.blob} blob markers`;
  const outcomes = Object.entries(c.sampleOutcomes).map(([o, n]) => `${n} ${o}`).join(', ');
  return [
    `twophase recovery bench — ${r.date}`,
    `machine: ${m.nproc} CPU(s), ${m.cpuModel}, ${(m.memTotalBytes / 1024 ** 3).toFixed(1)} GiB RAM, node ${m.node}, ${m.kernel}, commit ${m.gitCommit ?? 'unknown'}`,
    `state: real uploads (TwoPhaseClient.uploadFile, ${r.settings.concurrency} in flight, 1 KiB each) while failpoints held every Commit (coordinator.send.commit.before=hang, participant.blob.commit.before-rename=hang, participant.metadata.commit.before-commit-prepared=hang), then SIGKILL of the coordinator and both participants; processes restarted without failpoints, compiled CLI, --log-level ${r.settings.logLevel}, PostgreSQL max_prepared_transactions ${r.settings.maxPreparedTransactions} (twophase dev sets 128)`,
    '',
    `1. coordinator restarted on a decision log of ${c.state.txs} commits without an end (the participants restarted first, each waiting with ${c.participantsInDoubt.blob} / ${c.participantsInDoubt.metadata} in-doubt branches)`,
    `   ${state(c.state)}`,
    '',
    textTable(
      ['measure, from the coordinator\'s spawn', 'time', 'goal', ''],
      [
        ['answers Admin.GetStats (log replayed, server listening)', ms(c.answeredMs), '', ''],
        [`GetOutcome of a committed tx answers committed (first answer: ${c.firstOutcome ?? 'none'})`, ms(c.committedMs), `≤ ${recoveryGoalsMs.coordinatorOutcome} ms`, verdict(c.committedMs, recoveryGoalsMs.coordinatorOutcome)],
        [`phase 2 done for all ${c.state.txs} (live_txs 0)`, ms(c.phase2DoneMs), `≤ ${recoveryGoalsMs.coordinatorPhase2} ms`, verdict(c.phase2DoneMs, recoveryGoalsMs.coordinatorPhase2)],
        ['  blob in_doubt 0', ms(c.inDoubtZeroMs.blob), '', ''],
        ['  metadata in_doubt 0', ms(c.inDoubtZeroMs.metadata), '', ''],
      ],
    ),
    `   then: GetOutcome of ${Object.values(c.sampleOutcomes).reduce((a, n) => a + n, 0)} sampled txs: ${outcomes}; prepared on disk: ${c.preparedOnDiskAfter.postgres} PostgreSQL, ${c.preparedOnDiskAfter.blob} blob`,
    '',
    `2. each participant restarted with ${p.state.txs} in-doubt branches (the coordinator restarted first, holding ${p.coordinatorLiveAtStart} committed txs and re-driving phase 2 to participants that were down; blob first, then metadata)`,
    `   ${state(p.state)}`,
    '',
    textTable(
      ['participant', 'answers GetStats', 'in_doubt then', 'in_doubt 0', 'goal', ''],
      p.runs.map((run) => [run.name, ms(run.answeredMs), String(run.inDoubtAtFirstAnswer ?? '-'), ms(run.resolvedMs), `≤ ${recoveryGoalsMs.participantResolved} ms`, verdict(run.resolvedMs, recoveryGoalsMs.participantResolved)]),
    ),
    `   then: coordinator live_txs 0 ${p.phase2DoneAfterMs === undefined ? `not seen in ${r.boundMs / 1000} s` : `${Math.round(p.phase2DoneAfterMs)} ms`} after the metadata participant's spawn; prepared on disk: ${p.preparedOnDiskAfter.postgres} PostgreSQL, ${p.preparedOnDiskAfter.blob} blob`,
    '',
    `total ${r.totalS.toFixed(0)} s`,
  ].join('\n');
}
