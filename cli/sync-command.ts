import { Command, Option } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { ConfigError } from '../lib/config/config-error.js';
import { collectRepeated } from '../lib/config/collect-repeated.js';
import { namespaceProblem } from '../lib/file-path/namespace-problem.js';
import { logLevels, type LogLevel } from '../lib/logger/logger.js';
import { limits } from '../lib/limits/limits.js';
import type { SyncSettings } from './run-sync.js';

interface SyncOptions {
  namespace?: string;
  gateway: string;
  token?: string;
  tokenFile?: string;
  once?: boolean;
  ignore?: string[];
  defaultIgnores: boolean;
  debounceMs: string;
  resumableMinBytes: string;
  host: string;
  logLevel?: string;
  progress?: boolean;
}

/** `twophase sync DIR`: two-way sync of a folder with a namespace, through the HTTP gateway. */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Keep a folder and a namespace in sync, both ways, through the HTTP gateway: local changes (from a watcher, and a rescan at start) are uploaded with If-Match on the revision last synced (If-None-Match: * for a new file), the server\'s changes (from its change feed) are written to disk atomically, and a file changed on both sides keeps both: the server\'s revision as the file, the local edit as "name (conflicted copy HOST YYYY-MM-DD HHMMSS).ext", uploaded too. Its state is in DIR/.twophase-sync/.',
    )
    .argument('<dir>', 'the folder to sync (it must exist)')
    .addOption(new Option('--namespace <ns>', 'the namespace the folder mirrors').env('TWOPHASE_SYNC_NAMESPACE'))
    .addOption(new Option('--gateway <url>', "the gateway's base URL").env('TWOPHASE_GATEWAY').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <jwt>', 'a bearer token that may read and write the namespace (with a gateway run with --auth jwt)').env('TWOPHASE_TOKEN'))
    .addOption(new Option('--token-file <file>', 'read the bearer token from this file instead').conflicts('token'))
    .option('--once', 'one pass (every change on either side since the last sync), then exit: 0 when every path synced, 1 when some did not')
    .addOption(new Option('--ignore <glob>', 'also leave alone paths matching this glob (repeat; a pattern without / matches a name anywhere, e.g. "*.log" or "build/**")').argParser(collectRepeated))
    .option('--no-default-ignores', "sync editors' swap, lock and temporary files too (*.swp, *~, .#*, ~$*, *.tmp, *.part, .DS_Store, …)")
    .addOption(new Option('--debounce-ms <ms>', 'a changed file is uploaded once it has not changed for this long').default(String(limits.syncDebounceMs)))
    .addOption(
      new Option('--resumable-min-bytes <n>', 'files of at least this size are uploaded resumably (tus, /v1/uploads): an upload cut off, even by a restart of sync, goes on from where it stopped').default(
        String(limits.syncResumableBytesMin),
      ),
    )
    .addOption(new Option('--host <name>', 'the name conflicted copies carry').default(os.hostname()))
    .addOption(new Option('--log-level <level>', `JSON log lines on stdout: ${logLevels.join('|')} (default: info, or warn when the progress line is shown)`).env('TWOPHASE_LOG_LEVEL'))
    .addOption(new Option('--no-progress', 'no progress line on stderr (it is shown when stderr is a terminal)'))
    .action(async (dir: string, opts: SyncOptions) => {
      const settings = await checkSettings(dir, opts);
      const { runSync } = await import('./run-sync.js');
      process.exitCode = await runSync(settings);
    });
}

async function checkSettings(dir: string, opts: SyncOptions): Promise<SyncSettings> {
  const folder = await stat(dir).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) throw new ConfigError(`${dir} is not a directory (create it first; an empty one downloads the whole namespace)`, 'dir');
  if (opts.namespace === undefined) throw new ConfigError('name the namespace to sync with --namespace (or TWOPHASE_SYNC_NAMESPACE)', 'namespace');
  const problem = namespaceProblem(opts.namespace);
  if (problem !== undefined) throw new ConfigError(`invalid setting --namespace: ${problem}`, 'namespace');
  let url: URL;
  try {
    url = new URL(opts.gateway);
  } catch {
    throw new ConfigError(`invalid setting --gateway (TWOPHASE_GATEWAY): expected an http:// or https:// URL (given ${JSON.stringify(opts.gateway)})`, 'gateway');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`invalid setting --gateway: expected http:// or https:// (given ${JSON.stringify(opts.gateway)})`, 'gateway');
  let token = opts.token;
  if (opts.tokenFile !== undefined) {
    token = (
      await readFile(opts.tokenFile, 'utf8').catch((err: unknown) => {
        throw new ConfigError(`invalid setting --token-file: cannot read ${opts.tokenFile}: ${(err as Error).message}`, 'tokenFile');
      })
    ).trim();
  }
  const debounceMs = Number(opts.debounceMs);
  if (!Number.isInteger(debounceMs) || debounceMs < 0 || debounceMs > 60_000) throw new ConfigError(`invalid setting --debounce-ms: a whole number of ms from 0 to 60000 (given ${JSON.stringify(opts.debounceMs)})`, 'debounceMs');
  const resumableBytesMin = Number(opts.resumableMinBytes);
  if (!Number.isSafeInteger(resumableBytesMin) || resumableBytesMin < 0) throw new ConfigError(`invalid setting --resumable-min-bytes: a whole number of bytes (given ${JSON.stringify(opts.resumableMinBytes)})`, 'resumableMinBytes');
  const progress = opts.progress !== false && process.stderr.isTTY === true && opts.once !== true;
  const level = opts.logLevel ?? (progress ? 'warn' : 'info');
  if (!(logLevels as readonly string[]).includes(level)) throw new ConfigError(`invalid setting --log-level: expected one of ${logLevels.join(', ')} (given ${JSON.stringify(level)})`, 'logLevel');
  if (opts.host.trim() === '') throw new ConfigError('invalid setting --host: empty', 'host');
  return {
    folder: dir,
    namespace: opts.namespace,
    gateway: url.toString().replace(/\/+$/, ''),
    token,
    once: opts.once === true,
    ignore: opts.ignore ?? [],
    defaultIgnores: opts.defaultIgnores,
    debounceMs,
    resumableBytesMin,
    host: opts.host,
    logLevel: level as LogLevel,
    progress,
  };
}
