import { defineFailpoint } from '../lib/failpoints/failpoints.js';

/** Every fault-injection point of the coordinator runtime (see `twophase failpoints`). */
export const coordinatorFailpoints = {
  commitBeforeAppend: defineFailpoint('coordinator.log.commit.before-append', 'all votes are yes; the commit record is not yet appended'),
  commitAfterSync: defineFailpoint('coordinator.log.commit.after-sync', 'the commit record is synced (the commit point); no Commit sent yet'),
  endBeforeAppend: defineFailpoint('coordinator.log.end.before-append', 'every participant acked; the end record is not yet appended'),
  endAfterAppend: defineFailpoint('coordinator.log.end.after-append', 'the end record is appended (not synced)'),
  prepareBeforeSend: defineFailpoint('coordinator.send.prepare.before', 'a Prepare is about to be sent to a participant'),
  prepareAfterSend: defineFailpoint('coordinator.send.prepare.after', "a participant's vote arrived; not yet processed"),
  commitBeforeSend: defineFailpoint('coordinator.send.commit.before', 'a Commit is about to be sent to a participant'),
  commitAfterSend: defineFailpoint('coordinator.send.commit.after', "a participant acked a Commit; the ack is not yet processed"),
  abortBeforeSend: defineFailpoint('coordinator.send.abort.before', 'an Abort is about to be sent to a participant'),
  abortAfterSend: defineFailpoint('coordinator.send.abort.after', "a participant acked an Abort; the ack is not yet processed"),
  /**
   * UNSAFE, for checking the checkers only: armed with `error`, the coordinator delivers
   * Commit to every participant before making its decision durable (the classic 2PC bug).
   * Armable only in a coordinator started with --unsafe-failpoints.
   */
  unsafeCommitBeforeSync: defineFailpoint(
    'coordinator.unsafe.commit-before-sync',
    'UNSAFE mutant: armed with error, Commit is delivered before the decision is synced (needs --unsafe-failpoints)',
    { unsafe: true },
  ),
  commitLastBeforeSend: defineFailpoint('coordinator.send.commit-last.before', 'last-resource mode: every other participant voted yes; the one-phase Commit is about to be sent to the last resource'),
  commitLastAfterSend: defineFailpoint('coordinator.send.commit-last.after', "last-resource mode: the last resource answered the one-phase Commit; the answer is not yet processed"),
  replyBeforeSend: defineFailpoint('coordinator.reply.before', 'an answer to a client call (Commit, Abort, …) is about to be sent'),
} as const;
