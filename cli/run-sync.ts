import { createLogger } from '../lib/logger/logger.js';
import { FolderSync, type SyncProgress } from '../sync/folder-sync.js';
import { IgnoreRules } from '../sync/ignore-rules.js';
import type { LogLevel } from '../lib/logger/logger.js';

/** `twophase sync`'s settings, checked (cli/sync-command.ts). */
export interface SyncSettings {
  readonly folder: string;
  readonly namespace: string;
  readonly gateway: string;
  readonly token: string | undefined;
  readonly once: boolean;
  readonly ignore: readonly string[];
  readonly defaultIgnores: boolean;
  readonly debounceMs: number;
  readonly resumableBytesMin: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly progress: boolean;
}

/** Runs `twophase sync` with checked settings; resolves with the exit status. */
export async function runSync(settings: SyncSettings): Promise<number> {
  const logger = createLogger('sync', settings.logLevel);
  const sync = await FolderSync.open({
    folder: settings.folder,
    namespace: settings.namespace,
    gateway: settings.gateway,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    ignore: new IgnoreRules(settings.ignore, !settings.defaultIgnores),
    host: settings.host,
    logger,
    debounceMs: settings.debounceMs,
    resumableBytesMin: settings.resumableBytesMin,
  });
  if (settings.once) {
    const clean = await sync.once();
    logger.info({ ...sync.progress }, clean ? 'synced' : 'synced, but some paths did not');
    return clean ? 0 : 1;
  }
  const line = settings.progress ? new ProgressLine(sync.progress) : undefined;
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    logger.info('stopping: finishing the paths in flight, saving the state');
    sync.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  logger.info({ folder: settings.folder, namespace: settings.namespace, gateway: settings.gateway }, 'sync started');
  try {
    await sync.run();
  } finally {
    line?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  logger.info({ ...sync.progress }, 'sync stopped');
  return 0;
}

/** One line on stderr, rewritten in place: files and bytes each way, deletes, conflicts, rate, state. */
class ProgressLine {
  private readonly timer: NodeJS.Timeout;
  private lastBytes = 0;
  private lastAt = Date.now();
  private rate = 0;

  constructor(private readonly progress: SyncProgress) {
    this.timer = setInterval(() => this.draw(), 500);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.draw();
    process.stderr.write('\n');
  }

  private draw(): void {
    const p = this.progress;
    const bytes = p.uploadedBytes + p.downloadedBytes;
    const now = Date.now();
    const seconds = (now - this.lastAt) / 1000;
    if (seconds > 0) this.rate = 0.7 * this.rate + (0.3 * (bytes - this.lastBytes)) / seconds;
    this.lastBytes = bytes;
    this.lastAt = now;
    const parts = [
      `up ${p.uploadedFiles} (${megabytes(p.uploadedBytes)})`,
      `down ${p.downloadedFiles} (${megabytes(p.downloadedBytes)})`,
      `deleted ${p.deletedRemote + p.deletedLocal}`,
      `conflicts ${p.conflicts}`,
      `${megabytes(this.rate)}/s`,
      p.failing + p.refused > 0 ? `${p.failing} retrying, ${p.refused} refused` : '',
      p.state,
    ].filter((part) => part !== '');
    process.stderr.write(`\r\x1b[2K${parts.join(' | ')}`);
  }
}

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
