import type { DecisionLog } from '../../coordinator/log/decision-log.js';

/**
 * A decision log that takes every record and keeps none, for tests whose coordinator
 * never needs to replay (aborts are never logged; a commit's durability is not what they check).
 */
export const discardingDecisionLog: DecisionLog = {
  open: async () => ({ records: [], truncatedBytes: 0 }),
  append: async () => undefined,
  stats: () => ({ appends: 0, syncedCommits: 0, syncs: 0, writes: 0, segments: 0, segmentsDeleted: 0 }),
  close: async () => undefined,
};
