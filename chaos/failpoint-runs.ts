import { assertNever } from '../lib/assert/assert.js';
import { ConfigError } from '../lib/config/config-error.js';
import type { FaultKind } from './chaos-faults.js';
import { failpointProcess, failpointReach, isUnsafeFailpoint, type AdminProcess, type CommitMode, type DecisionLogKind } from './chaos-target.js';

/** One run of a campaign: its seed, what it arms at start and the faults it draws. */
export interface PlannedRun {
  readonly seed: number;
  readonly armAtStart: string;
  readonly faults: FaultKind[];
  readonly label: string;
  /** For a failpoint run: the point armed to crash, and the process it kills. */
  readonly crashes?: { readonly point: string; readonly process: AdminProcess };
}

/**
 * One run per failpoint that txs in `mode` pass (failpointReach), among `defined` (every
 * failpoint of the processes) but the UNSAFE switch, whose name starts with `prefix`. Each
 * is armed `crash@2` (the second hit: the system is warm) in its process. Points reached
 * only by aborts crash at the first hit, while something else makes 30 % of the txs abort
 * after their branches exist: the other participant votes no, or in last-resource mode,
 * for a blob point, the last resource fails its one-phase commit (the coordinator then
 * settles the tx as aborted at the last resource and aborts the blob branch). No other
 * kill, partition or failpoint is injected: the one restart is the crash. Throws for a
 * defined point failpointReach does not place, and when no point is left.
 */
export function failpointRuns(
  defined: readonly string[],
  options: { readonly seed: number; readonly arm: string; readonly prefix: string; readonly mode: CommitMode; readonly decisionLog?: DecisionLogKind },
): PlannedRun[] {
  const { seed, arm, prefix, mode } = options;
  const shared = options.decisionLog === 'shared';
  const named = defined.filter((name) => !isUnsafeFailpoint(name) && name.startsWith(prefix));
  if (named.length === 0) throw new ConfigError(`invalid setting --each-failpoint: no failpoint starts with ${prefix} (see twophase failpoints)`, '--each-failpoint');
  const unplaced = named.filter((name) => failpointReach[name] === undefined);
  if (unplaced.length > 0) throw new Error(`failpoint ${unplaced.join(', ')}: no commit mode is declared for it in failpointReach (chaos/chaos-target.ts)`);
  const points = named.filter((name) => failpointReach[name]?.modes.includes(mode) === true && !(shared && failpointReach[name]?.fileLogOnly === true));
  if (points.length === 0) throw new ConfigError(`invalid settings: no failpoint that starts with ${prefix} is reached in --commit-mode ${mode}`, '--each-failpoint');
  return points.map((point) => {
    const process = failpointProcess(point);
    if (process === undefined) throw new Error(`failpoint ${point} belongs to no process a run starts`);
    const spec = failpointReach[point]?.needs === 'aborts' ? `${point}=crash@1,${abortSource(process, mode)}` : `${point}=crash@2`;
    return { seed, armAtStart: [spec, arm].filter((x) => x !== '').join(','), faults: ['delay'], label: point, crashes: { point, process } };
  });
}

/** What makes 30 % of the txs abort, armed in a process other than `crashing`. */
function abortSource(crashing: AdminProcess, mode: CommitMode): string {
  // the blob participant votes no, for coordinator and metadata points
  if (crashing !== 'blob') return 'participant.blob.prepare.before-fsync=error%30';
  switch (mode) {
    case 'two-phase':
      return 'participant.metadata.prepare.before-prepare-transaction=error%30';
    case 'last-resource':
      // the last resource never votes: its one-phase commit fails before COMMIT instead
      return 'participant.metadata.commit-one-phase.before-commit=error%30';
    default:
      return assertNever(mode);
  }
}
