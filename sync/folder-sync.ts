import { existsSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../lib/logger/logger.js';
import { limits } from '../lib/limits/limits.js';
import { backoffMs } from '../lib/backoff/backoff.js';
import { conflictedCopyName } from './conflicted-copy-name.js';
import { GatewayError, GatewayRemote, type RemoteChange } from './gateway-remote.js';
import type { IgnoreRules } from './ignore-rules.js';
import { DownloadMismatchError, LocalFolder, NotAFileError, type LocalStat } from './local-folder.js';
import { decideSync, type LocalFile, type RemoteFile, type SyncAction } from './sync-decision.js';
import { SyncState, syncDirName } from './sync-state.js';

export interface FolderSyncOptions {
  readonly folder: string;
  readonly namespace: string;
  /** The gateway's base URL, e.g. http://127.0.0.1:8080. */
  readonly gateway: string;
  readonly token?: string;
  readonly ignore: IgnoreRules;
  /** Named in conflicted copies. */
  readonly host: string;
  readonly logger: Logger;
  /** How long a changed file must stay unchanged before it is uploaded. Default limits.syncDebounceMs. */
  readonly debounceMs?: number;
  /** Paths synced at once. Default limits.syncConcurrency. */
  readonly concurrency?: number;
  /** Files of at least this size are uploaded resumably (tus). Default limits.syncResumableBytesMin. */
  readonly resumableBytesMin?: number;
}

/** What a sync has done since it started, for the progress line and the summary. */
export interface SyncProgress {
  uploadedFiles: number;
  uploadedBytes: number;
  downloadedFiles: number;
  downloadedBytes: number;
  deletedRemote: number;
  deletedLocal: number;
  conflicts: number;
  /** Paths whose sync failed and is retried (a gateway error); cleared when they sync. */
  failing: number;
  /** Paths that cannot be synced as they are (refused by the gateway, not a regular file, …); retried when they change. */
  refused: number;
  state: 'starting' | 'syncing' | 'idle' | 'offline' | 'stopped';
}

/** A file whose content is still changing, or an edit found while acting: the path is synced again on the next pass. */
class TryLater extends Error {
  override readonly name = 'TryLater';
}

/**
 * Two-way sync of one folder with one namespace (see sync-decision.ts for the rule, and the
 * README's *Folder sync*). A pass takes the server's changes from the change feed after the
 * state's cursor and the local paths that may have changed, decides each path, acts, and
 * saves the state; the cursor only moves past changes whose path was synced, so a path that
 * failed keeps the server's change it has to apply.
 */
export class FolderSync {
  readonly progress: SyncProgress = { uploadedFiles: 0, uploadedBytes: 0, downloadedFiles: 0, downloadedBytes: 0, deletedRemote: 0, deletedLocal: 0, conflicts: 0, failing: 0, refused: 0, state: 'starting' };
  private readonly local: LocalFolder;
  private readonly remote: GatewayRemote;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  private readonly concurrency: number;
  /** Local paths seen changing, with when they last did. */
  private readonly dirty = new Map<string, number>();
  /** Paths to sync again on the next pass, with the server's change each still has to apply, if any. */
  private readonly retry = new Map<string, RemoteChange | undefined>();
  private readonly failing = new Set<string>();
  /** Paths refused as they are, with the stat they had: tried again once that changes. */
  private readonly refused = new Map<string, LocalStat | undefined>();
  private watcher: FSWatcher | undefined;
  private wake: AbortController | undefined;
  private stopped = false;
  private rescanDue = true;
  /** The wait whose end is already set for a local change. */
  private armed: AbortController | undefined;

  private constructor(
    private readonly options: FolderSyncOptions,
    private readonly state: SyncState,
  ) {
    this.local = new LocalFolder(options.folder, options.ignore);
    this.remote = new GatewayRemote(options.gateway, options.namespace, options.token, {
      resumableBytesMin: options.resumableBytesMin ?? limits.syncResumableBytesMin,
      resumeFile: path.join(options.folder, syncDirName, 'uploads.json'),
    });
    this.logger = options.logger;
    this.debounceMs = options.debounceMs ?? limits.syncDebounceMs;
    this.concurrency = options.concurrency ?? limits.syncConcurrency;
  }

  static async open(options: FolderSyncOptions): Promise<FolderSync> {
    const state = await SyncState.open(options.folder, { gateway: options.gateway.replace(/\/+$/, ''), namespace: options.namespace });
    const sync = new FolderSync(options, state);
    await sync.local.open();
    return sync;
  }

  /**
   * One whole pass: every local file and every path of the state compared, every server
   * change after the cursor applied. Resolves with whether every path synced (false: some
   * failed or were refused; they are named in the log).
   */
  async once(): Promise<boolean> {
    await this.pass(true, 0, undefined);
    this.progress.state = 'stopped';
    return this.failing.size === 0 && this.refused.size === 0;
  }

  /**
   * A whole pass, then local changes from a watcher and the server's from the change feed
   * (long polls), until stop(). A full rescan runs every limits.syncRescanMs too, so a
   * change the watcher missed is found.
   */
  async run(): Promise<void> {
    this.watcher = watch(this.local.root, {
      ignoreInitial: true,
      ignored: (full: string) => {
        const rel = path.relative(this.local.root, full).split(path.sep).join('/');
        return rel !== '' && this.options.ignore.ignores(rel);
      },
    });
    const touched = (full: string): void => {
      const rel = path.relative(this.local.root, full).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('..')) return;
      this.dirty.set(rel, Date.now());
      this.rouse();
    };
    this.watcher.on('add', touched).on('change', touched).on('unlink', touched);
    // a directory moved in or away: its files are found by a rescan, now and once the watcher
    // surely watches it (see limits.syncDirSettleMs)
    const directoryChanged = (): void => {
      this.rescanSoon();
      setTimeout(() => this.rescanSoon(), limits.syncDirSettleMs).unref();
    };
    this.watcher.on('addDir', directoryChanged).on('unlinkDir', directoryChanged);
    this.watcher.on('error', (err: unknown) => {
      this.logger.warn({ err }, 'the folder watcher failed; rescanning');
      this.rescanSoon();
    });
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
    const rescan = setInterval(() => this.rescanSoon(), limits.syncRescanMs);
    let offlineAttempt = 0;
    try {
      while (!this.stopped) {
        const wake = new AbortController();
        this.wake = wake;
        const readyIn = this.nextReadyInMs();
        const timer = readyIn === undefined ? undefined : setTimeout(() => wake.abort(), readyIn);
        if (timer !== undefined) this.armed = wake;
        const waitMs = this.rescanDue || readyIn === 0 ? 0 : this.retry.size > 0 ? limits.syncRetryWaitMs : limits.syncLongPollMs;
        try {
          await this.pass(this.rescanDue, waitMs, wake.signal);
          offlineAttempt = 0;
        } catch (err) {
          if (this.stopped) break;
          if (!(err instanceof GatewayError)) throw err;
          offlineAttempt += 1;
          this.progress.state = 'offline';
          this.logger.warn({ err: err.message }, 'the gateway is not answering; trying again');
          await this.sleep(backoffMs(offlineAttempt, limits.syncRetryBaseMs, limits.syncRetryMaxMs, 'gateway'));
        } finally {
          if (timer !== undefined) clearTimeout(timer);
        }
      }
    } finally {
      clearInterval(rescan);
      await this.watcher.close();
      await this.state.save();
      this.progress.state = 'stopped';
    }
  }

  /** Ends run() after the paths being synced now are done; the state is saved. */
  stop(): void {
    this.stopped = true;
    this.wake?.abort();
  }

  /** A local change during a long poll: the poll ends once the change has been quiet for the debounce. */
  private rouse(): void {
    const wake = this.wake;
    if (wake === undefined || wake.signal.aborted || this.armed === wake) return;
    this.armed = wake;
    setTimeout(() => wake.abort(), this.nextReadyInMs() ?? 0).unref();
  }

  private rescanSoon(): void {
    this.rescanDue = true;
    this.wake?.abort();
  }

  /** In how many ms the first dirty path has been quiet for the debounce; undefined with none. */
  private nextReadyInMs(): number | undefined {
    let first: number | undefined;
    for (const at of this.dirty.values()) first = first === undefined ? at : Math.min(first, at);
    return first === undefined ? undefined : Math.max(0, first + this.debounceMs - Date.now());
  }

  private takeReadyDirty(): Set<string> {
    const now = Date.now();
    const ready = new Set<string>();
    for (const [rel, at] of this.dirty) {
      if (now - at >= this.debounceMs) {
        ready.add(rel);
        this.dirty.delete(rel);
      }
    }
    return ready;
  }

  private async pass(full: boolean, waitMs: number, wake: AbortSignal | undefined): Promise<void> {
    if (full) this.rescanDue = false;
    // the server's changes: a long poll when nothing local waits, then every page there is
    const remoteView = new Map<string, RemoteChange>();
    let cursor = this.state.cursor;
    let first = true;
    for (;;) {
      let page: { changes: RemoteChange[]; cursor: number };
      try {
        page = await this.remote.changes(cursor, first ? waitMs : 0, limits.syncFeedPage, first && waitMs > 0 ? wake : undefined);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
        break;
      }
      first = false;
      for (const change of page.changes) remoteView.set(change.path, change);
      cursor = page.cursor;
      if (page.changes.length < limits.syncFeedPage) break;
    }
    if (this.stopped && remoteView.size === 0) return;
    const paths = new Set<string>([...remoteView.keys(), ...this.retry.keys(), ...this.takeReadyDirty()]);
    for (const [rel, change] of this.retry) if (change !== undefined && !remoteView.has(rel)) remoteView.set(rel, change);
    this.retry.clear();
    if (full) {
      for (const rel of await this.local.walk()) paths.add(rel);
      for (const rel of this.state.paths()) paths.add(rel);
    }
    if (paths.size === 0) {
      this.state.setCursor(cursor);
      await this.state.save();
      this.progress.state = 'idle';
      return;
    }
    this.progress.state = 'syncing';
    const queue = [...paths].filter((rel) => !this.options.ignore.ignores(rel));
    let lastSave = Date.now();
    const worker = async (): Promise<void> => {
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        await this.syncPath(rel, remoteView.get(rel), queue);
        if (Date.now() - lastSave > limits.syncStateSaveEveryMs) {
          lastSave = Date.now();
          await this.state.save();
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    // the cursor moves only past changes every path of which synced
    let keep = cursor;
    for (const change of this.retry.values()) if (change !== undefined) keep = Math.min(keep, change.cursor - 1);
    this.state.setCursor(Math.max(this.state.cursor, keep));
    await this.state.save();
    this.progress.failing = this.failing.size;
    this.progress.refused = this.refused.size;
    this.progress.state = this.dirty.size > 0 || this.retry.size > 0 ? 'syncing' : 'idle';
  }

  /** Syncs one path; never throws for the path's own failure (it is logged and retried or refused). */
  private async syncPath(rel: string, change: RemoteChange | undefined, queue: string[]): Promise<void> {
    try {
      let remote: RemoteFile | undefined = change;
      // a condition that did not hold means the server moved on: ask it, decide again
      for (let round = 0; round < limits.syncDecideRounds; round += 1) {
        const outcome = await this.act(rel, remote, queue);
        if (outcome === 'done') {
          this.failing.delete(rel);
          this.refused.delete(rel);
          return;
        }
        remote = await this.remote.latest(rel);
      }
      throw new TryLater(`${rel}: the server kept changing while it was synced`);
    } catch (err) {
      if (err instanceof TryLater || err instanceof DownloadMismatchError || (err instanceof GatewayError && err.retryable)) {
        this.retry.set(rel, change);
        if (!(err instanceof TryLater)) {
          this.failing.add(rel);
          this.logger.warn({ path: rel, err: (err as Error).message }, 'could not sync; trying again');
        }
        return;
      }
      if (err instanceof NotAFileError || err instanceof GatewayError) {
        const stat = await this.local.stat(rel).catch(() => undefined);
        if (!this.refused.has(rel)) this.logger.error({ path: rel, err: err.message }, 'cannot sync this path as it is; it is tried again once it changes');
        this.refused.set(rel, stat);
        this.failing.delete(rel);
        return;
      }
      throw err;
    }
  }

  /** Decides and does one path's action; 'stale' when a condition did not hold (decide again with the server's newest). */
  private async act(rel: string, remote: RemoteFile | undefined, queue: string[]): Promise<'done' | 'stale'> {
    const synced = this.state.get(rel);
    const stat = await this.local.stat(rel);
    if (this.refused.has(rel)) {
      const before = this.refused.get(rel);
      const same = before === undefined ? stat === undefined : stat !== undefined && stat.size === before.size && stat.mtimeMs === before.mtimeMs;
      if (same && remote === undefined) return 'done';
    }
    let local: (LocalFile & { readonly ino?: number }) | undefined;
    if (stat === undefined) local = undefined;
    else if (synced !== undefined && synced.mtimeMs >= 0 && stat.size === synced.size && stat.mtimeMs === synced.mtimeMs) local = { sha256: synced.sha256, size: stat.size, mtimeMs: stat.mtimeMs };
    else {
      const hashed = await this.local.hash(rel, stat);
      if (hashed === 'changing') throw new TryLater(`${rel} is being written`);
      local = hashed;
    }
    const action = decideSync(synced, local, remote);
    // read again and unchanged (touched, or recorded racily): the state takes the new stat, so the next pass need not read it
    if (action.kind === 'none' && synced !== undefined && stat !== undefined && synced.mtimeMs !== stat.mtimeMs) this.record(rel, synced.revision, synced.sha256, synced.size, stat);
    return this.execute(rel, action, stat, local, queue);
  }

  private async execute(rel: string, action: SyncAction, stat: LocalStat | undefined, local: LocalFile | undefined, queue: string[]): Promise<'done' | 'stale'> {
    switch (action.kind) {
      case 'none':
        return 'done';
      case 'forget':
        this.state.delete(rel);
        return 'done';
      case 'record':
        this.record(rel, action.remote.revision, action.remote.sha256, action.remote.size, stat);
        return 'done';
      case 'upload': {
        const file = local as LocalFile;
        let written;
        try {
          written = await this.remote.upload(rel, this.local.absolute(rel), file.size, file.sha256, action.ifMatch);
        } catch (err) {
          // 400 for bytes that do not match the digest sent: the file changed while it was sent
          if (err instanceof GatewayError && err.status === 400 && /checksum|sha-?256|digest|length|size/i.test(err.message) && (await this.changedSince(rel, stat))) throw new TryLater(`${rel} changed while it was uploaded`);
          throw err;
        }
        if (written.kind !== 'written') return 'stale';
        this.record(rel, written.revision, file.sha256, file.size, stat);
        this.progress.uploadedFiles += 1;
        this.progress.uploadedBytes += file.size;
        this.logger.info({ path: rel, revision: written.revision, size: file.size, ifMatch: action.ifMatch ?? '*' }, 'uploaded');
        return 'done';
      }
      case 'delete-remote': {
        const removed = await this.remote.remove(rel, action.ifMatch);
        if (removed.kind === 'precondition-failed') return 'stale';
        this.state.delete(rel);
        if (removed.kind === 'written') {
          this.progress.deletedRemote += 1;
          this.logger.info({ path: rel, revision: removed.revision }, 'deleted on the server');
        }
        return 'done';
      }
      case 'download':
        return (await this.download(rel, action.remote, stat)) ? 'done' : 'stale';
      case 'delete-local': {
        if (!(await this.local.remove(rel, stat as LocalStat))) throw new TryLater(`${rel} changed before it could be deleted`);
        this.state.delete(rel);
        this.progress.deletedLocal += 1;
        this.logger.info({ path: rel, revision: action.remote.revision }, 'deleted here (deleted on the server)');
        return 'done';
      }
      case 'conflict': {
        const copy = conflictedCopyName(rel, this.options.host, new Date(), (candidate) => this.state.get(candidate) !== undefined || queue.includes(candidate) || existsSync(this.local.absolute(candidate)));
        if (!(await this.local.move(rel, copy))) throw new TryLater(`${rel} went away`);
        this.progress.conflicts += 1;
        this.logger.warn({ path: rel, conflictedCopy: copy, remoteRevision: action.remote.revision, remoteDeleted: action.remote.deleted }, 'conflict: both changed; the server revision is the file, the local edit is the conflicted copy');
        // the copy is a new file: synced as one (uploaded with If-None-Match: *), in this pass
        queue.push(copy);
        if (action.remote.deleted) {
          this.state.delete(rel);
          return 'done';
        }
        return (await this.download(rel, action.remote, undefined)) ? 'done' : 'stale';
      }
    }
  }

  /** Writes the remote revision over what `stat` saw (nothing, with undefined); false when the revision is gone from the server. */
  private async download(rel: string, remote: RemoteFile, stat: LocalStat | undefined): Promise<boolean> {
    const body = await this.remote.download(rel, remote.revision);
    if (body === undefined) return false;
    const placed = await this.local.write(rel, body, remote.sha256, remote.size, stat);
    if (placed === 'changed') throw new TryLater(`${rel} changed while its server revision was downloaded`);
    this.record(rel, remote.revision, remote.sha256, remote.size, placed);
    this.progress.downloadedFiles += 1;
    this.progress.downloadedBytes += remote.size;
    this.logger.info({ path: rel, revision: remote.revision, size: remote.size }, 'downloaded');
    return true;
  }

  /**
   * The state's entry of a synced path. A file modified within limits.syncRacyMs of now
   * is recorded with mtime -1, so the next pass reads it again rather than trust a stat
   * an edit in the same clock tick would not change (as git treats a racily clean index).
   */
  private record(rel: string, revision: number, sha256: string, size: number, stat: LocalStat | undefined): void {
    const racy = stat === undefined || Date.now() - stat.mtimeMs < limits.syncRacyMs;
    this.state.set(rel, { revision, sha256, size, mtimeMs: racy ? -1 : stat.mtimeMs });
  }

  private async changedSince(rel: string, stat: LocalStat | undefined): Promise<boolean> {
    const now = await this.local.stat(rel).catch(() => undefined);
    return now === undefined || stat === undefined || now.size !== stat.size || now.mtimeMs !== stat.mtimeMs;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = new AbortController();
      this.wake = wake;
      const timer = setTimeout(resolve, ms);
      wake.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
