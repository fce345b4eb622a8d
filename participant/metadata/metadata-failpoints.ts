import { defineFailpoint } from '../../lib/failpoints/failpoints.js';

/** Every fault-injection point of the metadata participant (see `twophase failpoints`). */
export const metadataFailpoints = {
  beforePrepareTransaction: defineFailpoint(
    'participant.metadata.prepare.before-prepare-transaction',
    'the marker row is inserted in the branch transaction; PREPARE TRANSACTION not yet sent',
  ),
  afterPrepareTransaction: defineFailpoint(
    'participant.metadata.prepare.after-prepare-transaction',
    'PREPARE TRANSACTION returned (the branch is durable); the yes vote not yet answered',
  ),
  beforeCommitPrepared: defineFailpoint('participant.metadata.commit.before-commit-prepared', 'Commit arrived; COMMIT PREPARED not yet sent'),
  afterCommitPrepared: defineFailpoint('participant.metadata.commit.after-commit-prepared', 'COMMIT PREPARED returned; the ack not yet answered'),
  beforeRollbackPrepared: defineFailpoint('participant.metadata.abort.before-rollback-prepared', 'Abort arrived for a prepared branch; ROLLBACK PREPARED not yet sent'),
  afterRollbackPrepared: defineFailpoint('participant.metadata.abort.after-rollback-prepared', 'ROLLBACK PREPARED returned; the ack not yet answered'),
  beforeCommitOnePhase: defineFailpoint(
    'participant.metadata.commit-one-phase.before-commit',
    'last resource: the one-phase commit arrived; COMMIT of the branch (its marker inside) not yet sent',
  ),
  afterCommitOnePhase: defineFailpoint(
    'participant.metadata.commit-one-phase.after-commit',
    'last resource: COMMIT returned (the commit point of the tx); the answer not yet given',
  ),
} as const;
