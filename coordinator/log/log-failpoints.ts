import { defineFailpoint } from '../../lib/failpoints/failpoints.js';

/** Fault-injection points inside the decision log's group commit. */
export const logFailpoints = {
  afterWrite: defineFailpoint('coordinator.log.batch.after-write', 'a batch of records is written to the segment but not yet fdatasynced'),
  afterSync: defineFailpoint('coordinator.log.batch.after-sync', 'a batch is fdatasynced; its appends are not yet acknowledged'),
} as const;
