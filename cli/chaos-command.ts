import { withTlsOptions } from './tls-options.js';
import { Command, Option } from 'commander';
import type { ChaosReport } from '../chaos/run-chaos.js';
import { faultKinds, type FaultKind } from '../chaos/chaos-faults.js';
import { adminProcesses, commitModes, linkNames, processNames, type AdminProcess, type CommitMode, type DecisionLogKind, type LinkName, type ProcessName } from '../chaos/chaos-target.js';
import type { ExternalOptions, ProxySpec } from '../chaos/external-system.js';
import { failpointRuns, type PlannedRun } from '../chaos/failpoint-runs.js';
import { ConfigError } from '../lib/config/config-error.js';
import { limits } from '../lib/limits/limits.js';

interface ExternalFlags {
  gateway?: string;
  databaseUrl?: string;
  admin: string[];
  killCommand?: string;
  restartCommand?: string;
  killTargets: string;
  proxy: string[];
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const externalHelp = `
Against an existing deployment (--gateway): every gRPC process must run with --admin;
kills run --kill-command ({process} is coordinator, blob, metadata, gateway or postgres),
then --restart-command if the deployment does not restart processes itself; network
faults act only on links the deployment dials through a --proxy this command starts.
Run it against a deployment with no other traffic: recovery is judged over all of it.

Commit mode: --commit-mode last-resource starts the coordinator so (the metadata participant
commits one-phase, its COMMIT the commit point); --each-failpoint then runs the failpoints
that mode reaches (the one-phase commit ones, none of PREPARE TRANSACTION or COMMIT PREPARED),
and the checker also fails the run if the last resource is ever seen prepared. With --gateway
the deployment commits as its coordinator was started: --commit-mode is refused there.

Examples:
  twophase chaos --seed 1 --duration 60s
  twophase chaos --seed 1 --duration 60s --commit-mode last-resource
  twophase chaos --seed 1 --runs 100 --parallel 2
  twophase chaos --each-failpoint --duration 20s --commit-mode last-resource
  twophase chaos --seed 1 --gateway http://127.0.0.1:8080 \\
    --database-url postgres://twophase:secret@127.0.0.1:5432/twophase \\
    --admin coordinator=127.0.0.1:7070 --admin blob=127.0.0.1:7071 --admin metadata=127.0.0.1:7072 \\
    --kill-command 'docker compose kill -s SIGKILL {process}' --restart-command 'docker compose start {process}'
`;

/** `twophase chaos`: a seeded fault-injection run against a system it starts itself. */
export function chaosCommand(): Command {
  return withTlsOptions(new Command('chaos'), { server: false })
    .addOption(new Option('--token-file <file>', 'with --gateway: a bearer token (JWT) for a gateway that checks them, granting the run\'s namespace or every one (e.g. made by twophase token)'))
    .description(
      'Fault-injection run: against a system it starts itself (every link through a fault proxy) or an existing deployment (--gateway), run a concurrent upload workload while killing processes (PostgreSQL included), partitioning and delaying links and arming failpoints, all drawn from --seed; then heal, wait for recovery and check the invariants. Exits 1 on any violation, on a failpoint not reached, or on a run that could not be carried out; 2 on a bad setting.',
    )
    .addOption(new Option('--seed <n>', 'seed of every random choice').default(String(Date.now() % 1_000_000)))
    .addOption(new Option('--duration <time>', 'how long faults and workload run, e.g. 60s or 2m').default('60s'))
    .addOption(new Option('--workers <n>', 'concurrent clients').default('8'))
    .addOption(new Option('--faults <kinds>', `comma-separated subset of ${faultKinds.join(',')}`).default(faultKinds.join(',')))
    .addOption(new Option('--recovery-bound <time>', 'recovery must finish within this after healing').default('60s'))
    .addOption(new Option('--arm <spec>', 'failpoints armed at start (TWOPHASE_FAILPOINTS grammar), e.g. to check that the checker catches a broken variant').default(''))
    .addOption(new Option('--report <file>', 'write the JSON report here (default chaos-report-<seed>.json)'))
    .addOption(new Option('--keep', 'keep the run directory (data and logs) even when the run passes'))
    .addOption(new Option('--runs <n>', 'run this many consecutive seeds, from --seed, and print totals').default('1'))
    .addOption(new Option('--parallel <n>', 'with --runs, how many runs at once (each starts its own system)').default('1'))
    .addOption(
      new Option(
        '--commit-mode <mode>',
        `${commitModes.join(' or ')}: how the coordinator the run starts commits (passed to it as its --commit-mode; in last-resource mode the metadata participant is the last resource). Not with --gateway`,
      ).default('two-phase'),
    )
    .addOption(
      new Option('--blob-backend <backend>', 'local or s3: where the blob participant of the system the run starts keeps its bytes; s3 starts a moto_server (an S3 API server; moto must be installed) for the run. Not with --gateway')
        .default('local'),
    )
    .addOption(
      new Option('--decision-log <log>', "file or shared: the decision log of the coordinator the run starts; shared keeps its decisions in a table of the run's PostgreSQL (two-phase only; faults on the PostgreSQL link reach it). Not with --gateway").default('file'),
    )
    .addOption(
      new Option(
        '--coordinators <n>',
        `with --decision-log shared: start n coordinators (2 to ${limits.chaosCoordinatorsMax}) on the shared log, every participant and the gateway given all of them; c1 is behind the coordinator link's proxy and takes the kills, and the last one is SIGKILLed once, between 20% and 50% of the run (drawn from the seed), and never restarted: the txs it began must reach their outcomes through the others. Not with --gateway or --each-failpoint`,
      ).default('1'),
    )
    .addOption(
      new Option(
        '--metadata-shards <n>',
        "1 or 2: with 2, the run starts a second metadata participant (metadata-2, its own database of the run's PostgreSQL) as a shard, its namespace on the first, and some operations move a file to a namespace on metadata-2 (POST …:move, one tx over both shards); the checker then finds each moved file in exactly one of them. Two-phase only; not with --gateway",
      ).default('1'),
    )
    .addOption(new Option('--each-failpoint [prefix]', 'one run per failpoint that txs in --commit-mode pass (every one but the UNSAFE switch, or those whose name starts with prefix), each armed to crash its process there; fails if a point is not reached'))
    .addOption(new Option('--gateway <url>', 'run against an existing deployment behind this HTTP gateway instead of starting one'))
    .addOption(new Option('--database-url <url>', "with --gateway: the metadata participant's PostgreSQL, read by the checker"))
    .addOption(new Option('--admin <name=host:port>', "with --gateway: gRPC address of coordinator, blob and metadata, each started with --admin (repeat)").argParser(collect).default([]))
    .addOption(new Option('--kill-command <cmd>', 'with --gateway: shell command that SIGKILLs {process}; without it, no kills'))
    .addOption(new Option('--restart-command <cmd>', 'with --gateway: shell command run 1 s after a kill to start {process} again'))
    .addOption(new Option('--kill-targets <names>', `with --gateway: the processes a kill may pick, among ${processNames.join(',')}`).default(processNames.join(',')))
    .addOption(new Option('--proxy <link=listen/target>', `with --gateway: start a fault proxy for a link (${linkNames.join(', ')}) listening on host:port and forwarding to host:port; the deployment must dial the link through it (repeat)`).argParser(collect).default([]))
    .addHelpText('after', externalHelp)
    .action(async (opts: { seed: string; duration: string; workers: string; faults: string; recoveryBound: string; arm: string; commitMode: string; blobBackend: string; decisionLog: string; coordinators: string; metadataShards: string; report?: string; keep?: boolean; runs: string; parallel: string; eachFailpoint?: true | string } & ExternalFlags, command: Command) => {
      const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
      const seed = Number(opts.seed);
      const workers = Number(opts.workers);
      const faults = opts.faults.split(',').map((f) => f.trim());
      if (!Number.isInteger(seed) || seed < 0) throw invalid(`invalid setting --seed: ${opts.seed} is not a whole number`);
      if (!Number.isInteger(workers) || workers < 1 || workers > limits.chaosWorkersMax) throw invalid(`invalid setting --workers: expected 1 to ${limits.chaosWorkersMax}`);
      const bad = faults.filter((f) => !(faultKinds as readonly string[]).includes(f));
      if (bad.length > 0 || faults.length === 0) throw invalid(`invalid setting --faults: ${bad.join(',') || 'empty'}; expected a subset of ${faultKinds.join(',')}`);
      const runs = Number(opts.runs);
      if (!Number.isInteger(runs) || runs < 1) throw invalid('invalid setting --runs: expected a whole number ≥ 1');
      const parallel = Number(opts.parallel);
      if (!Number.isInteger(parallel) || parallel < 1 || parallel > limits.chaosParallelRunsMax) throw invalid(`invalid setting --parallel: expected 1 to ${limits.chaosParallelRunsMax}`);
      const commitMode = commitModeOf(opts.commitMode);
      const external = await withSecurity(externalOptions(opts, given('killTargets')), opts);
      if (opts.blobBackend !== 'local' && opts.blobBackend !== 's3') throw invalid(`invalid setting --blob-backend: expected local or s3 (given ${JSON.stringify(opts.blobBackend)})`);
      if (opts.decisionLog !== 'file' && opts.decisionLog !== 'shared') throw invalid(`invalid setting --decision-log: expected file or shared (given ${JSON.stringify(opts.decisionLog)})`);
      if (opts.decisionLog === 'shared' && commitMode === 'last-resource') throw invalid('invalid settings: --decision-log shared is for two-phase commit, not --commit-mode last-resource');
      const coordinators = Number(opts.coordinators);
      if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > limits.chaosCoordinatorsMax) throw invalid(`invalid setting --coordinators: expected 1 to ${limits.chaosCoordinatorsMax} (given ${JSON.stringify(opts.coordinators)})`);
      if (coordinators > 1 && opts.decisionLog !== 'shared') throw invalid('invalid settings: --coordinators share one decision log; add --decision-log shared');
      if (coordinators > 1 && external !== undefined) throw invalid('invalid settings: --coordinators sets the coordinators of the system the run starts; with --gateway the deployment has its own');
      if (coordinators > 1 && opts.eachFailpoint !== undefined) throw invalid('invalid settings: --each-failpoint runs one coordinator; leave out --coordinators');
      const metadataShards = Number(opts.metadataShards);
      if (metadataShards !== 1 && metadataShards !== 2) throw invalid(`invalid setting --metadata-shards: expected 1 or 2 (given ${JSON.stringify(opts.metadataShards)})`);
      if (metadataShards > 1 && commitMode === 'last-resource') throw invalid('invalid settings: --metadata-shards 2 is for two-phase commit (a tx over both shards has two metadata participants), not --commit-mode last-resource');
      if (metadataShards > 1 && external !== undefined) throw invalid('invalid settings: --metadata-shards sets the shards of the system the run starts; with --gateway the deployment has its own');
      if (external !== undefined && given('decisionLog')) throw invalid('invalid settings: --decision-log sets the log of the coordinator the run starts; with --gateway the deployment has its own');
      if (external !== undefined && given('blobBackend')) throw invalid('invalid settings: --blob-backend sets the backend of the system the run starts; with --gateway the deployment has its own');
      if (external !== undefined && given('commitMode')) {
        throw invalid("invalid settings: --commit-mode sets the mode of the coordinator the run starts; with --gateway the deployment commits as its own coordinator was started, so leave it out");
      }
      if (external !== undefined && opts.keep === true) throw invalid('invalid settings: --keep keeps the directory of a system the run started; with --gateway there is none');
      if (opts.eachFailpoint !== undefined && given('faults')) throw invalid('invalid settings: --each-failpoint runs with delays as the only other fault; leave out --faults');
      if (external !== undefined && parallel > 1) throw invalid('invalid setting --parallel: runs against one deployment cannot overlap');
      if (opts.eachFailpoint !== undefined && external !== undefined) throw invalid('invalid settings: --each-failpoint starts systems of its own (it must see the crash); leave out --gateway');
      if (opts.eachFailpoint !== undefined && runs > 1) throw invalid('invalid settings: --each-failpoint makes one run per failpoint; leave out --runs');
      if (opts.report !== undefined && (runs > 1 || opts.eachFailpoint !== undefined)) throw invalid('invalid settings: --report names the report of one run; several runs write chaos-report-<seed or failpoint>.json each');
      const durationMs = parseDuration(opts.duration, '--duration');
      const recoveryBoundMs = parseDuration(opts.recoveryBound, '--recovery-bound');
      const { runChaos, writeReport } = await import('../chaos/run-chaos.js');
      const totals = { runs: 0, failed: [] as string[], notRun: [] as string[], missed: [] as string[], crashed: 0, operations: 0, acknowledged: 0, faults: 0, restarts: 0, violations: 0, longestInDoubtMs: 0 };
      const campaignStarted = Date.now();
      const plan: PlannedRun[] =
        opts.eachFailpoint !== undefined
          ? await eachFailpointRuns(seed, opts.arm, opts.eachFailpoint === true ? '' : opts.eachFailpoint, commitMode, opts.decisionLog as DecisionLogKind)
          : Array.from({ length: runs }, (_, i) => ({ seed: seed + i, armAtStart: opts.arm, faults: faults as FaultKind[], label: `seed ${seed + i}` }));
      let next = 0;
      const one = async (planned: PlannedRun): Promise<void> => {
        const started = Date.now();
        const tag = plan.length > 1 ? `${planned.label} ` : '';
        const say = (text: string): void => console.log(`[chaos ${tag}${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
        let r: Awaited<ReturnType<typeof runChaos>>;
        try {
          r = await runChaos({
            seed: planned.seed,
            durationMs,
            workers,
            recoveryBoundMs,
            faults: planned.faults,
            armAtStart: planned.armAtStart,
            keepDir: opts.keep === true,
            ...(external === undefined ? { commitMode, blobBackend: opts.blobBackend as 'local' | 's3', decisionLog: opts.decisionLog as 'file' | 'shared', ...(coordinators > 1 ? { coordinators } : {}), ...(metadataShards > 1 ? { metadataShards } : {}) } : { external }),
            say,
          });
        } catch (err) {
          // a run that could not be carried out (its system did not start) fails the command, and the others go on
          console.log(`\n${planned.label}: could not be carried out: ${err instanceof Error ? err.message : String(err)}`);
          totals.notRun.push(planned.label);
          return;
        }
        const reportPath = opts.report ?? `chaos-report-${planned.crashes === undefined ? r.seed : planned.crashes.point}.json`;
        await writeReport(reportPath, r).catch((err: unknown) => console.log(`${planned.label}: cannot write ${reportPath}: ${err instanceof Error ? err.message : String(err)}`));
        // a failpoint run proves something only if its process did crash there
        const missed = planned.crashes !== undefined && (r.restarts[planned.crashes.process] ?? 0) === 0;
        console.log(summary(r, reportPath) + (planned.crashes === undefined ? '' : `\ncrashed at      ${planned.crashes.point}: ${missed ? 'NO — the point was not reached' : `yes (${planned.crashes.process} restarted)`}`));
        totals.runs += 1;
        totals.operations += r.operations.total ?? 0;
        totals.acknowledged += r.operations.acknowledged ?? 0;
        totals.faults += r.faultLog.length;
        totals.restarts += Object.values(r.restarts).reduce((a, b) => a + b, 0);
        totals.violations += r.violations.length;
        totals.longestInDoubtMs = Math.max(totals.longestInDoubtMs, r.longestInDoubtMs);
        if (r.violations.length > 0) totals.failed.push(planned.label);
        if (missed) totals.missed.push(planned.label);
        else if (planned.crashes !== undefined) totals.crashed += 1;
      };
      await Promise.all(
        Array.from({ length: Math.min(parallel, plan.length) }, async () => {
          while (next < plan.length) await one(plan[next++] as PlannedRun);
        }),
      );
      if (plan.length > 1) {
        console.log(
          `\ntotals (commit mode ${external === undefined ? `${commitMode}${opts.blobBackend === 's3' ? ', blob backend s3' : ''}${opts.decisionLog === 'shared' ? ', shared decision log' : ''}${coordinators > 1 ? `, ${coordinators} coordinators (c${coordinators} killed for good in each run)` : ''}${metadataShards > 1 ? ', 2 metadata shards with moves across them' : ''}` : "the deployment's"}): ${totals.runs} runs, ${totals.operations} operations (${totals.acknowledged} acknowledged), ${totals.faults} faults, ${totals.restarts} restarts, longest in doubt ${totals.longestInDoubtMs} ms, ${totals.violations} violations${totals.failed.length > 0 ? ` in ${totals.failed.join(', ')}` : ''}${opts.eachFailpoint !== undefined ? `; crashed at ${totals.crashed} of ${plan.length} failpoints${totals.missed.length > 0 ? ` (not reached: ${totals.missed.join(', ')})` : ''}` : ''}${totals.notRun.length > 0 ? `; not carried out: ${totals.notRun.join(', ')}` : ''}; ${Math.round((Date.now() - campaignStarted) / 60_000)} min`,
        );
      }
      process.exit(totals.violations > 0 || totals.missed.length > 0 || totals.notRun.length > 0 ? 1 : 0);
    });
}

/** The --each-failpoint runs: every failpoint the processes define, as failpointRuns places them. */
async function eachFailpointRuns(seed: number, arm: string, prefix: string, mode: CommitMode, decisionLog: DecisionLogKind): Promise<PlannedRun[]> {
  const { listFailpoints } = await import('../lib/failpoints/failpoints.js');
  await import('./all-failpoints.js');
  return failpointRuns(
    listFailpoints().map((p) => p.name),
    { seed, arm, prefix, mode, decisionLog },
  );
}

function commitModeOf(text: string): CommitMode {
  const mode = commitModes.find((m) => m === text);
  if (mode === undefined) throw invalid(`invalid setting --commit-mode: ${text}; expected ${commitModes.join(' or ')}`);
  return mode;
}

/** The --gateway flags, checked; undefined when the run starts its own system. */
function externalOptions(opts: ExternalFlags, killTargetsGiven: boolean): ExternalOptions | undefined {
  if (opts.gateway === undefined) {
    const stray = (['databaseUrl', 'killCommand', 'restartCommand'] as const).filter((k) => opts[k] !== undefined);
    if (stray.length > 0 || opts.admin.length > 0 || opts.proxy.length > 0 || killTargetsGiven) {
      throw invalid('invalid settings: --database-url, --admin, --kill-command, --restart-command, --kill-targets and --proxy need --gateway');
    }
    return undefined;
  }
  if (opts.restartCommand !== undefined && opts.killCommand === undefined) throw invalid('invalid settings: --restart-command needs --kill-command');
  let url: URL;
  try {
    url = new URL(opts.gateway);
  } catch {
    throw invalid(`invalid setting --gateway: ${opts.gateway} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`invalid setting --gateway: ${opts.gateway} is not an http(s) URL`);
  if (opts.databaseUrl === undefined) throw invalid('invalid settings: --gateway needs --database-url (the checker reads the revisions table)');
  const admin: Partial<Record<AdminProcess, string>> = {};
  for (const item of opts.admin) {
    const m = /^([a-z]+)=(.+:\d+)$/.exec(item);
    if (m === null || !(adminProcesses as readonly string[]).includes(m[1] as string)) throw invalid(`invalid setting --admin: ${item}; expected NAME=HOST:PORT with NAME one of ${adminProcesses.join(', ')}`);
    if (admin[m[1] as AdminProcess] !== undefined) throw invalid(`invalid setting --admin: ${m[1]} given twice`);
    admin[m[1] as AdminProcess] = m[2] as string;
  }
  const missing = adminProcesses.filter((p) => admin[p] === undefined);
  if (missing.length > 0) throw invalid(`invalid settings: --gateway needs --admin for ${missing.join(', ')}`);
  const killTargets = opts.killTargets.split(',').map((t) => t.trim());
  const badTargets = killTargets.filter((t) => !(processNames as readonly string[]).includes(t));
  if (badTargets.length > 0) throw invalid(`invalid setting --kill-targets: ${badTargets.join(',')}; expected a subset of ${processNames.join(',')}`);
  const proxies = opts.proxy.map(parseProxy);
  const dup = proxies.find((p, i) => proxies.findIndex((q) => q.link === p.link) !== i);
  if (dup !== undefined) throw invalid(`invalid setting --proxy: link ${dup.link} given twice`);
  return {
    gateway: opts.gateway,
    databaseUrl: opts.databaseUrl,
    admin: admin as Record<AdminProcess, string>,
    killCommand: opts.killCommand,
    restartCommand: opts.restartCommand,
    killTargets: killTargets as ProcessName[],
    proxies,
  };
}

function parseProxy(item: string): ProxySpec {
  const m = /^([a-z]+)=(.+):(\d+)\/(.+):(\d+)$/.exec(item);
  const link = m?.[1] ?? '';
  if (m === null || !(linkNames as readonly string[]).includes(link)) {
    throw invalid(`invalid setting --proxy: ${item}; expected LINK=LISTEN_HOST:PORT/TARGET_HOST:PORT with LINK one of ${linkNames.join(', ')}`);
  }
  const listenPort = Number(m[3]);
  const targetPort = Number(m[5]);
  if (listenPort < 1 || listenPort > 65_535 || targetPort < 1 || targetPort > 65_535) throw invalid(`invalid setting --proxy: ${item}; ports are 1 to 65535`);
  return { link: link as LinkName, listenHost: m[2] as string, listenPort, targetHost: m[4] as string, targetPort };
}

function summary(r: ChaosReport, reportPath: string): string {
  const fmt = (rec: Record<string, number>): string => Object.entries(rec).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    '',
    `seed ${r.seed}, ${r.durationMs / 1000}s, commit mode ${r.commitMode}${r.blobBackend === 's3' ? ', blob backend s3' : ''}${r.decisionLog === 'shared' ? ', shared decision log' : ''}${r.coordinators === undefined ? '' : `, ${r.coordinators} coordinators`}${r.metadataShards === undefined ? '' : `, ${r.metadataShards.shards} metadata shards (moves to ${r.metadataShards.moveTo})`}`,
    `operations      ${fmt(r.operations)}`,
    `statuses        ${fmt(r.statuses)}`,
    `faults          ${fmt(r.faults)}`,
    `restarts        ${fmt(r.restarts)}`,
    `links           ${Object.entries(r.links).map(([name, l]) => `${name} ${l.connections} connections, ${kib(l.bytesForward)} → ${kib(l.bytesBackward)} ←, ${kib(l.bytesDropped)} dropped`).join('; ') || 'none through a fault proxy'}`,
    ...(r.killedForGood === undefined
      ? []
      : [
          `killed for good ${r.killedForGood.name} at ${(r.killedForGood.atMs / 1000).toFixed(1)}s, never restarted: ${r.killedForGood.operations} operations of the run were its txs; its txs in the shared log: ${fmt(r.killedForGood.decisions)}`,
        ]),
    `longest in doubt ${r.longestInDoubtMs} ms; recovered ${r.recoveredInMs} ms after healing`,
    `violations      ${r.violations.length}`,
    ...r.violations.map((v) => `  ${v.invariant}: ${v.detail}`),
    `report          ${reportPath}${r.dir === undefined ? '' : `; data and logs kept in ${r.dir}`}`,
    `replay          ${r.replay}`,
  ].join('\n');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw invalid(`invalid setting ${flag}: ${text} is not a duration like 500ms, 60s or 2m`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1_000);
}

/** A bad setting of `twophase chaos`: exit 2, as every command's (the message names the flag). */
function invalid(message: string): ConfigError {
  return new ConfigError(message, /--[a-z-]+/.exec(message)?.[0] ?? 'chaos');
}

/**
 * A deployment over mutual TLS (--tls-*, an admin identity's certificate; its CA also
 * trusted for an HTTPS gateway) or with bearer tokens at its gateway (--token-file).
 * Both only with --gateway: a system the run starts is plaintext.
 */
async function withSecurity(external: ExternalOptions | undefined, opts: ExternalFlags): Promise<ExternalOptions | undefined> {
  const tlsGiven = opts.tlsCert !== undefined || opts.tlsKey !== undefined || opts.tlsCa !== undefined;
  if (external === undefined) {
    if (tlsGiven || opts.tokenFile !== undefined) throw invalid('invalid settings: --tls-cert/--tls-key/--tls-ca and --token-file are for a deployment given with --gateway');
    return undefined;
  }
  const { loadTlsMaterial } = await import('../lib/tls/tls-material.js');
  const tls = await loadTlsMaterial(opts);
  let token: string | undefined;
  if (opts.tokenFile !== undefined) {
    const { readFile } = await import('node:fs/promises');
    token = (await readFile(opts.tokenFile, 'utf8').catch((err: unknown) => {
      throw invalid(`invalid setting --token-file: cannot read ${opts.tokenFile}: ${err instanceof Error ? err.message : String(err)}`);
    })).trim();
  }
  return { ...external, ...(tls === undefined ? {} : { tls }), ...(token === undefined ? {} : { token }) };
}
