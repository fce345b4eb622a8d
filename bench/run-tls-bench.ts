/**
 * `npm run bench:tls`: the same atomic uploads over mutual TLS against plaintext, as a
 * ratio measured in one run. See `npm run bench:tls -- --help`.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { SystemRun } from './bench-report.js';
import { benchRun } from './bench-run.js';
import { CpuSampler } from './cpu-sampler.js';
import { compileCli, DevSystem } from './dev-system.js';
import { machineInfo } from './machine-info.js';
import { measureRun } from './measure-run.js';
import { textTable } from '../lib/text-table/text-table.js';
import { TwophaseUpload } from './twophase-upload.js';

const { repoDir, namespace, errorsMax, drainMsMax, startTimeoutMs } = benchRun;
const progress = (text: string): void => void process.stderr.write(`[bench:tls] ${text}\n`);

interface TlsBenchOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: readonly number[];
  readonly uploadBytes: number;
  readonly repeat: number;
  readonly json: string | undefined;
}

function parseOptions(argv: readonly string[]): TlsBenchOptions {
  const whole = (name: string, min: number, max: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const program = new Command('npm run bench:tls --')
    .description(
      'Measures the same atomic uploads (TwoPhaseClient.uploadFile of --upload-bytes each) against two `twophase dev` systems started side by side in one run: one plaintext, one with --tls (mutual TLS on every link: SDK to coordinator and participants, coordinator to participants, participants to coordinator; every call authorized by its certificate). Runs alternate plaintext, mTLS, plaintext, mTLS… at each --concurrency level; prints tx/s, p50/p99 and the CPU per upload of the services, and the mTLS/plaintext ratio of the median runs. First compiles the CLI (npm run build).',
    )
    .addOption(new Option('--duration-s <seconds>', 'measured time per system and run').default(10).argParser(whole('--duration-s', 1, 3_600)))
    .addOption(new Option('--warmup-s <seconds>', 'unmeasured time before each window').default(2).argParser(whole('--warmup-s', 0, 600)))
    .addOption(
      new Option('--concurrency <list>', 'comma-separated in-flight upload counts (each 1..64)')
        .default([1, 16], '1,16')
        .argParser((v) => v.split(',').map((x) => whole('--concurrency', 1, 64)(x.trim()))),
    )
    .addOption(new Option('--upload-bytes <n>', 'size of each upload').default(4096).argParser(whole('--upload-bytes', 1, 64 * 1024 ** 2)))
    .addOption(new Option('--repeat <n>', 'runs of each system per level, alternated').default(3).argParser(whole('--repeat', 1, 20)))
    .addOption(new Option('--json <file>', 'also write the results as JSON to this file'))
    .addHelpText('after', '\nExample:\n  npm run bench:tls -- --duration-s 5 --concurrency 1,16 --repeat 3\n');
  program.parse([...argv], { from: 'user' });
  return program.opts<TlsBenchOptions>();
}

interface Measured {
  readonly run: SystemRun;
  /** CPU ms per upload of the services (every process of the system but the bench client). */
  readonly serviceCpuMsPerUpload: number | undefined;
  /** CPU ms per upload of the bench process (the SDK client). */
  readonly clientCpuMsPerUpload: number | undefined;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const date = new Date().toISOString();
  const machine = machineInfo(repoDir);
  compileCli(progress);
  progress('starting twophase dev (plaintext) and twophase dev --tls…');
  const [plain, tls] = await Promise.all([DevSystem.start({ logLevel: 'warn', startTimeoutMs }), DevSystem.start({ logLevel: 'warn', startTimeoutMs, tls: true })]);
  const results: { concurrency: number; plain: Measured[]; tls: Measured[] }[] = [];
  try {
    const dir = join(tls.dir, 'tls');
    const [ca, cert, key] = await Promise.all([readFile(join(dir, 'ca.crt')), readFile(join(dir, 'client.crt')), readFile(join(dir, 'client.key'))]);
    const systems = [
      { name: 'plain' as const, dev: plain, client: await TwophaseUpload.connect(plain.coordinator) },
      { name: 'tls' as const, dev: tls, client: await TwophaseUpload.connect(tls.coordinator, { ca, cert, key }) },
    ];
    for (const concurrency of options.concurrency) {
      const level = { concurrency, plain: [] as Measured[], tls: [] as Measured[] };
      for (let rep = 1; rep <= options.repeat; rep++) {
        for (const { name, dev, client } of systems) {
          progress(`${name} at ${concurrency} client(s), run ${rep}/${options.repeat}…`);
          const sampler = new CpuSampler(dev.pid, dev.pidsFile, dev.postmasterPidFile);
          const run = await measureRun(sampler, {
            concurrency,
            warmupMs: options.warmupS * 1000,
            durationMs: options.durationS * 1000,
            opsMax: 1_000_000,
            errorsMax,
            drainMsMax,
            op: (w, seq) => client.upload(namespace, `${name}-c${concurrency}-r${rep}/w${w}/u${seq}.bin`, randomBytes(options.uploadBytes)),
          });
          level[name].push(measuredOf(run));
        }
      }
      results.push(level);
    }
    for (const { client } of systems) client.close();
  } finally {
    await Promise.all([plain.stop(), tls.stop()]);
  }
  const median = (runs: Measured[]): Measured => [...runs].sort((a, b) => a.run.txPerS - b.run.txPerS)[Math.floor(runs.length / 2)] as Measured;
  const rows = results.map(({ concurrency, plain: p, tls: t }) => {
    const mp = median(p);
    const mt = median(t);
    const cpu = (m: Measured): string => (m.serviceCpuMsPerUpload === undefined ? '?' : `${m.serviceCpuMsPerUpload.toFixed(2)} + ${(m.clientCpuMsPerUpload ?? NaN).toFixed(2)}`);
    return [String(concurrency), mp.run.txPerS.toFixed(1), `${mp.run.latencyMs.p50.toFixed(1)} / ${mp.run.latencyMs.p99.toFixed(1)}`, cpu(mp), mt.run.txPerS.toFixed(1), `${mt.run.latencyMs.p50.toFixed(1)} / ${mt.run.latencyMs.p99.toFixed(1)}`, cpu(mt), `${(mt.run.txPerS / mp.run.txPerS).toFixed(2)}×`];
  });
  console.log(`twophase over mutual TLS against plaintext — ${date}, commit ${machine.gitCommit ?? 'unknown'}, ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}`);
  console.log(`${options.uploadBytes}-byte uploads through the SDK; ${options.repeat} alternated runs of ${options.durationS} s per system and level; the run of median tx/s shown`);
  console.log(
    textTable(
      ['clients', 'plaintext tx/s', 'p50 / p99 ms', 'CPU ms/upload (services + client)', 'mTLS tx/s', 'p50 / p99 ms', 'CPU ms/upload (services + client)', 'mTLS / plaintext'],
      rows,
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const errors = results.flatMap((l) => [...l.plain, ...l.tls]).reduce((n, m) => n + m.run.errors, 0);
  if (errors > 0) console.log(`note: ${errors} uploads failed across the runs`);
  if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify({ date, machine, options, results }, null, 2)}\n`);
}

function measuredOf(run: SystemRun): Measured {
  if (run.cpu === undefined || run.ops === 0) return { run, serviceCpuMsPerUpload: undefined, clientCpuMsPerUpload: undefined };
  const perUpload = (percent: number): number => ((percent / 100) * run.windowS * 1000) / run.ops;
  const services = Object.entries(run.cpu.byPart)
    .filter(([part]) => part !== 'bench (client)')
    .reduce((sum, [, p]) => sum + p, 0);
  return { run, serviceCpuMsPerUpload: perUpload(services), clientCpuMsPerUpload: perUpload(run.cpu.byPart['bench (client)'] ?? 0) };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:tls failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
