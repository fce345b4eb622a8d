import { defineFailpoint } from '../../../lib/failpoints/failpoints.js';

/**
 * Every fault-injection point of the local blob store (see `twophase failpoints`). Each
 * sits at a boundary a crash test must be able to cut: between making bytes durable and
 * voting, and between the steps of publishing, which must all be restartable.
 */
export const blobFailpoints = {
  prepareBeforeFsync: defineFailpoint('participant.blob.prepare.before-fsync', 'prepare: staged files durable, the marker not yet written'),
  prepareAfterManifestSync: defineFailpoint(
    'participant.blob.prepare.after-manifest-sync',
    'prepare: the marker and the staged names are durable (the branch is prepared); yes not yet answered',
  ),
  commitBeforeRename: defineFailpoint('participant.blob.commit.before-rename', 'commit: one staged object is about to be renamed into objects/'),
  commitAfterRename: defineFailpoint('participant.blob.commit.after-rename', 'commit: one staged object was renamed into objects/ (not fsynced)'),
  commitAfterPublish: defineFailpoint(
    'participant.blob.commit.after-publish',
    'commit: every object is renamed into objects/; the marker not yet moved to committed/',
  ),
  beforeRetire: defineFailpoint(
    'participant.blob.commit.before-retire',
    'after commit answered: the object directories of a batch of committed objects are about to be fsynced and their staged names unlinked',
  ),
  abortBeforeDelete: defineFailpoint('participant.blob.abort.before-delete', "abort: the branch's staged files and marker are about to be deleted"),
} as const;
