/**
 * What `twophase sync` does with one path, from three views of it: what was last synced
 * (the state file), what is on disk now, and the newest revision the server is known to
 * have. Pure: no I/O, so every case is a test of its own (test/sync/sync-decision.test.ts).
 *
 * The rule, in one line: a side changed when its content differs from the last synced
 * one; a change on one side is carried to the other, conditionally (If-Match on the
 * revision last synced, If-None-Match: * for a new file), and a change on both sides that
 * did not end in the same content keeps both: the server's revision as the file, the local
 * edit as a conflicted copy beside it. A delete never wins over an edit: a local delete
 * against a remote edit brings the edit back, a remote delete against a local edit keeps
 * the edit as a conflicted copy.
 */

/** The state file's record of a path: the revision and content both sides had when it was last synced. */
export interface SyncedFile {
  readonly revision: number;
  readonly sha256: string;
  readonly size: number;
  /** The local file's mtime when it was synced, to tell an unchanged file without reading it. */
  readonly mtimeMs: number;
}

/** A regular file on disk now. */
export interface LocalFile {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The newest revision of the path the server is known to have (from the change feed, or asked). */
export interface RemoteFile {
  readonly revision: number;
  readonly sha256: string;
  readonly size: number;
  /** A tombstone: the file was deleted at this revision. */
  readonly deleted: boolean;
}

export type SyncAction =
  /** Both sides are as last synced. */
  | { readonly kind: 'none' }
  /** Both sides changed to the same content, or both deleted it: only the state moves. */
  | { readonly kind: 'record'; readonly remote: RemoteFile }
  /** Gone on both sides since the last sync: the state forgets the path. */
  | { readonly kind: 'forget' }
  /** Upload the local file: with If-Match on `ifMatch`, or If-None-Match: * when undefined. */
  | { readonly kind: 'upload'; readonly ifMatch: number | undefined }
  /** Delete the file on the server, If-Match on the revision last synced. */
  | { readonly kind: 'delete-remote'; readonly ifMatch: number }
  /** Write the remote revision to disk (atomically, and only if the local file is still as seen). */
  | { readonly kind: 'download'; readonly remote: RemoteFile }
  /** Remove the local file (only if it is still as seen: unchanged since the last sync). */
  | { readonly kind: 'delete-local'; readonly remote: RemoteFile }
  /**
   * Both changed, to different content: the local file moves to a conflicted copy (which
   * is uploaded as a new file), and the remote revision takes its place (none, if it is a
   * tombstone).
   */
  | { readonly kind: 'conflict'; readonly remote: RemoteFile };

/**
 * The action for one path. `remote` undefined means the server is known to have nothing
 * newer than `synced` (no change of the path in the feed since), or, with no `synced`,
 * never had the path.
 */
export function decideSync(synced: SyncedFile | undefined, local: LocalFile | undefined, remote: RemoteFile | undefined): SyncAction {
  const newest: RemoteFile | undefined = remote ?? (synced === undefined ? undefined : { revision: synced.revision, sha256: synced.sha256, size: synced.size, deleted: false });
  const localChanged = synced === undefined ? local !== undefined : local === undefined || local.sha256 !== synced.sha256;
  const remoteLive = newest !== undefined && !newest.deleted;
  // revisions only grow: a feed that is behind what this client wrote itself is no change;
  // a newer revision of the same content (the same bytes written again) is no change of content
  const remoteMoved = synced !== undefined && newest !== undefined && newest.revision > synced.revision;
  const remoteChanged = synced === undefined ? remoteLive : remoteMoved && (newest.deleted || newest.sha256 !== synced.sha256);

  if (!localChanged && !remoteChanged) return remoteMoved ? { kind: 'record', remote: newest } : { kind: 'none' };
  if (localChanged && !remoteChanged) {
    // conditional on the newest revision: the one whose content this client last synced
    const ifMatch = remoteLive ? newest.revision : undefined;
    if (local !== undefined) return { kind: 'upload', ifMatch };
    // localChanged with no local file means there was a synced one, so the server has it
    return ifMatch === undefined ? { kind: 'forget' } : { kind: 'delete-remote', ifMatch };
  }
  const theirs = newest as RemoteFile;
  if (!localChanged) {
    // the local side is as last synced (or absent as it was): take the server's change
    if (theirs.deleted) return local === undefined ? { kind: 'forget' } : { kind: 'delete-local', remote: theirs };
    return { kind: 'download', remote: theirs };
  }
  // both changed
  if (local === undefined) return theirs.deleted ? { kind: 'forget' } : { kind: 'download', remote: theirs };
  if (!theirs.deleted && theirs.sha256 === local.sha256) return { kind: 'record', remote: theirs };
  return { kind: 'conflict', remote: theirs };
}
