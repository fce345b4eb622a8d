import { defineFailpoint } from '../../lib/failpoints/failpoints.js';

/**
 * Every fault-injection point of the local blob store (see `twophase failpoints`). Each
 * sits at a boundary a crash test must be able to cut: between making bytes durable and
 * voting, and between the steps of publishing, which must all be restartable.
 */
export const blobFailpoints = {
  prepareBeforeFsync: defineFailpoint('participant.blob.prepare.before-fsync', 'prepare: staged files durable, no manifest written yet'),
  prepareAfterManifestSync: defineFailpoint(
    'participant.blob.prepare.after-manifest-sync',
    'prepare: the manifest is durable (the branch is prepared); yes not yet answered',
  ),
  commitBeforeRename: defineFailpoint('participant.blob.commit.before-rename', 'commit: one staged object is about to be renamed into objects/'),
  commitAfterRename: defineFailpoint('participant.blob.commit.after-rename', 'commit: one staged object was renamed into objects/ (dir not yet fsynced)'),
  commitAfterPublish: defineFailpoint(
    'participant.blob.commit.after-publish',
    'commit: every object is published and its directory fsynced; manifest not yet moved, staging not yet removed',
  ),
  abortBeforeDelete: defineFailpoint('participant.blob.abort.before-delete', 'abort: the staging directory is about to be deleted'),
} as const;
