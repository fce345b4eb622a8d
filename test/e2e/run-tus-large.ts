import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomFillSync } from 'node:crypto';
import { Command, Option } from 'commander';
import * as tus from 'tus-js-client';
import { PeakRssProbe, type RssTarget } from '../../bench/peak-rss-probe.js';
import type { PeakRss } from '../../bench/bench-report.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * `npm run tus:large`: one large file (1 GiB by default) through the gateway's tus endpoint
 * with tus-js-client reading it from disk, the gateway SIGKILLed when about half is sent;
 * the upload must resume from its offset (not from 0) and the committed file must have the
 * file's SHA-256. Prints the time, the offsets resumed from, and the peak RSS of every
 * process (the client included); exits 1 when a check fails or a peak is at the limit.
 */
const program = new Command('npm run tus:large --')
  .description('Upload one large file over tus through `twophase dev`, SIGKILL the gateway at about half, and check the resume, the SHA-256 and every process\'s peak RSS.')
  .addOption(new Option('--mib <n>', 'size of the file in MiB').default('1024'))
  .addOption(new Option('--rss-limit-mb <n>', 'the peak RSS every process must stay under (MB = 10^6 B)').default('150'))
  .addOption(new Option('--no-kill', 'do not kill the gateway'))
  .addOption(new Option('--via <protocol>', 'tus, or one streamed PUT /v1/files (for comparison; never killed)').choices(['tus', 'put']).default('tus'))
  .action(async (opts: { mib: string; rssLimitMb: string; kill: boolean; via: 'tus' | 'put' }) => {
    if (opts.via === 'put') opts.kill = false;
    const mib = Number(opts.mib);
    const rssLimit = Number(opts.rssLimitMb) * 1e6;
    if (!Number.isInteger(mib) || mib < 1) throw new Error(`--mib must be a whole number ≥ 1 (given ${opts.mib})`);
    if (!Number.isFinite(rssLimit) || rssLimit <= 0) throw new Error(`--rss-limit-mb must be a positive number (given ${opts.rssLimitMb})`);
    const work = await mkdtemp(join(tmpdir(), 'twophase-tus-large-'));
    const file = join(work, 'large.bin');
    const log = (line: string): void => console.log(`[tus ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
    const t0 = Date.now();
    const sha256 = await writeRandomFile(file, mib * 1024 * 1024);
    log(`wrote ${mib} MiB of random bytes to ${file} (sha256 ${sha256})`);
    // as a user runs it: the built CLI, logging at info
    const sys = await DevSystem.start([], { TWOPHASE_LOG_LEVEL: 'info' }, { built: true });
    try {
      const targets = async (): Promise<RssTarget[]> => {
        const pids = await sys.pids();
        return [
          ...Object.entries(pids).map(([part, pid]) => ({ part, pid, judged: true })),
          { part: 'dev', pid: sys.proc.pid, judged: true },
          { part: 'client', pid: process.pid, judged: true },
        ];
      };
      const peaks: PeakRss[][] = [];
      let probe = PeakRssProbe.start(await targets(), 50);
      const patchOffsets: number[] = [];
      let killing: Promise<void> | undefined;
      const started = Date.now();
      const size = (await stat(file)).size;
      const response = opts.via === 'put' ? await putWhole(`${sys.http}/v1/files/large/large.bin`, file, size, sha256) : await new Promise<tus.HttpResponse>((resolve, reject) => {
        const upload = new tus.Upload(createReadStream(file), {
          endpoint: `${sys.http}/v1/uploads`,
          uploadSize: size,
          metadata: { namespace: 'large', path: 'large.bin', sha256 },
          retryDelays: [200, 500, 1000, 2000, 4000, 4000, 4000, 4000],
          onBeforeRequest: (req) => {
            if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
          },
          onProgress: (sent, total) => {
            if (opts.kill && killing === undefined && sent >= total / 2) {
              log(`${Math.round(sent / 2 ** 20)} MiB sent: SIGKILL of the gateway`);
              peaks.push(probe.stop());
              killing = sys.killAndAwaitRestart('gateway').then(async () => {
                probe = PeakRssProbe.start(await targets(), 50);
                log('the gateway is back');
              });
            }
          },
          onSuccess: ({ lastResponse }) => resolve(lastResponse),
          onError: reject,
        });
        upload.start();
      });
      await killing;
      const seconds = (Date.now() - started) / 1000;
      peaks.push(probe.stop());
      log(`committed: ETag ${response.getHeader('etag')}, ${(size / 2 ** 20 / seconds).toFixed(1)} MiB/s over ${seconds.toFixed(1)} s; PATCH offsets ${patchOffsets.map((o) => `${(o / 2 ** 20).toFixed(1)} MiB`).join(', ')}`);
      const res = await fetch(`${sys.http}/v1/files/large/large.bin`);
      const hash = createHash('sha256');
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      const committed = hash.digest('hex');
      const checks: [string, boolean][] = [
        ['the committed file has the SHA-256 of the file sent', committed === sha256],
        ...(opts.kill ? ([['the upload resumed from an offset past 0 after the kill', patchOffsets.length >= 2 && (patchOffsets.at(-1) ?? 0) > 0]] as [string, boolean][]) : []),
      ];
      const byPart = new Map<string, { bytes: number; startBytes: number }>();
      for (const list of peaks) {
        for (const p of list) {
          const before = byPart.get(p.part);
          byPart.set(p.part, { bytes: Math.max(before?.bytes ?? 0, p.bytes), startBytes: before?.startBytes ?? p.startBytes });
        }
      }
      console.log('peak RSS (MB = 10^6 B), and the RSS as the upload began:');
      for (const [part, { bytes, startBytes }] of byPart) {
        console.log(`  ${part.padEnd(20)} ${(bytes / 1e6).toFixed(1).padStart(7)} MB  ${bytes < rssLimit ? 'ok  ' : 'OVER'} (< ${rssLimit / 1e6}; ${(startBytes / 1e6).toFixed(1)} MB at the start)`);
        if (part !== 'postgres') checks.push([`${part} peak RSS under ${rssLimit / 1e6} MB`, bytes < rssLimit]);
      }
      for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
      process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
    } finally {
      await sys.stop();
      await rm(work, { recursive: true, force: true });
    }
  });

/** One streamed PUT of the file, answered as tus-js-client's responses are. */
async function putWhole(url: string, file: string, size: number, sha256: string): Promise<tus.HttpResponse> {
  const res = await fetch(url, { method: 'PUT', body: Readable.toWeb(createReadStream(file)) as ReadableStream, duplex: 'half', headers: { 'content-length': String(size), 'x-content-sha256': sha256 } } as RequestInit);
  const body = await res.text();
  if (!res.ok) throw new Error(`PUT answered ${res.status}: ${body.slice(0, 300)}`);
  return { getStatus: () => res.status, getHeader: (name: string) => res.headers.get(name) ?? undefined, getBody: () => body, getUnderlyingObject: () => res };
}

/** A file of `bytes` random bytes, written in 1 MiB blocks; resolves with its SHA-256. */
async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += block.length) {
    const part = block.subarray(0, Math.min(block.length, bytes - written));
    randomFillSync(part);
    hash.update(part);
    if (!out.write(Buffer.from(part))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return hash.digest('hex');
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
