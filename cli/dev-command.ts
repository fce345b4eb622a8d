import { Command, Option } from 'commander';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureOwnDirectory, reachableEmbeddedPostgres, reachableRuntimeRoot, traversableByOthers } from '../lib/embedded-postgres/reachable-package.js';
import { findPortHolder, portIsFree } from '../lib/free-port/port-holder.js';
import { freePort } from '../lib/free-port/free-port.js';
import { splitListenAddress } from '../lib/config/split-listen-address.js';
import { lockDir } from '../lib/dir-lock/dir-lock.js';
import { selfCommand } from '../lib/self-command/self-command.js';
import { Supervisor, type ChildSpec } from '../lib/supervisor/supervisor.js';
import { limits } from '../lib/limits/limits.js';
import { ConfigError } from '../lib/config/config-error.js';
import { isPostgresUrl } from '../lib/config/postgres-url.js';
import { commitMode, commitModes } from '../coordinator/coordinator-settings.js';
import { logLevels } from '../lib/logger/logger.js';
import type { DevCertificates } from '../lib/tls/dev-certificates.js';

/**
 * The levels dev can run its children at: every child prints its lifecycle lines (the ready
 * line dev waits for) at each of them, and at silent at none.
 */
const childLogLevels = logLevels.filter((level) => level !== 'silent');

interface DevOptions {
  dataDir: string;
  httpListen: string;
  coordinatorPort: string;
  blobPort: string;
  metadataPort: string;
  postgresPort: string;
  logLevel: string;
  maxUploadBytes: string;
  admin: boolean;
  commitMode: string;
  decisionLog: string;
  coordinators: string;
  metadataShards: string;
  cpuProfDir: string | undefined;
  metricsPorts: string;
  tls: boolean;
  auth: string;
  s3Bucket: string | undefined;
  s3Endpoint: string | undefined;
  s3Region: string | undefined;
  s3Prefix: string | undefined;
  s3ForcePathStyle: boolean;
  standby: boolean;
}

/** The children that serve metrics, in the order of `--metrics-ports`. */
const metricsChildren = ['coordinator', 'blob', 'metadata', 'gateway'] as const;

/** `--metrics-ports`: a port per child of metricsChildren, or `off`. */
type MetricsPorts = Record<(typeof metricsChildren)[number], number>;

function metricsPortsOf(value: string): MetricsPorts | undefined {
  if (value === 'off') return undefined;
  const ports = value.split(',').map((p) => Number(p.trim()));
  if (ports.length !== metricsChildren.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) {
    throw new ConfigError(`invalid setting --metrics-ports (TWOPHASE_DEV_METRICS_PORTS): expected ${metricsChildren.length} TCP ports, comma-separated (${metricsChildren.join(', ')}), or off (given ${JSON.stringify(value)})`, 'metricsPorts');
  }
  return Object.fromEntries(metricsChildren.map((name, i) => [name, ports[i]])) as Record<(typeof metricsChildren)[number], number>;
}

/** `twophase dev` (what `npm start` runs): the whole system on this machine, supervised. */
export function devCommand(): Command {
  return new Command('dev')
    .description('Run the whole system on this machine: embedded PostgreSQL, coordinator, blob and metadata participants, HTTP gateway — each its own process, restarted if it dies.')
    .addOption(new Option('--data-dir <dir>', 'where everything keeps its data and logs').env('TWOPHASE_DEV_DIR').default('.twophase'))
    .addOption(new Option('--http-listen <host:port>', 'HTTP gateway address').env('TWOPHASE_HTTP_LISTEN').default('127.0.0.1:8080'))
    .addOption(new Option('--coordinator-port <port>', 'coordinator gRPC port').default('7070'))
    .addOption(new Option('--blob-port <port>', 'blob participant gRPC port').default('7071'))
    .addOption(new Option('--metadata-port <port>', 'metadata participant gRPC port').default('7072'))
    .addOption(new Option('--postgres-port <port>', 'embedded PostgreSQL port').default('54329'))
    .addOption(new Option('--max-upload-bytes <n>', 'largest upload the gateway accepts').env('TWOPHASE_MAX_UPLOAD_BYTES').default(String(limits.gatewayUploadBytesDefault)))
    .addOption(
      new Option('--log-level <level>', `log level of every process (${childLogLevels.join('|')}); at each, every child still prints its lifecycle lines (listening, ready, stopped), which dev waits for`)
        .env('TWOPHASE_LOG_LEVEL')
        .default('info'),
    )
    .addOption(
      new Option('--commit-mode <mode>', `the coordinator's commit mode, ${commitModes.join(' or ')} (see \`twophase coordinator --help\`); in last-resource mode the metadata participant is the last resource`)
        .env('TWOPHASE_COMMIT_MODE')
        .default('two-phase'),
    )
    .addOption(new Option('--admin', 'serve the Admin service (failpoints, counters) on every gRPC port, e.g. for `twophase chaos --gateway`').default(false))
    .addOption(
      new Option('--metrics-ports <ports>', `Prometheus metrics ports of the ${metricsChildren.join(', ')} (each at http://127.0.0.1:PORT/metrics), or off`)
        .env('TWOPHASE_DEV_METRICS_PORTS')
        .default('9464,9465,9466,9467'),
    )
    .addOption(
      new Option('--tls', 'run every link over mutual TLS, and the gateway over HTTPS, with a throwaway CA and a certificate per process made with openssl in <data-dir>/tls (kept while valid); prints the files a client uses')
        .env('TWOPHASE_DEV_TLS')
        .default(false),
    )
    .addOption(
      new Option('--auth <mode>', 'none: the gateway checks no token (anyone reaching it may read and write every namespace); jwt: it checks bearer JWTs, signed with a secret made in <data-dir>/jwt-secret, and dev prints a token for every namespace')
        .env('TWOPHASE_DEV_AUTH')
        .default('none'),
    )
    .addOption(new Option('--s3-bucket <bucket>', "the blob participant keeps the bytes in this S3 bucket (see `twophase participant blob --help`); AWS credentials from dev's environment").env('TWOPHASE_DEV_S3_BUCKET'))
    .addOption(new Option('--s3-endpoint <url>', 'with --s3-bucket: an S3 API endpoint other than AWS').env('TWOPHASE_DEV_S3_ENDPOINT'))
    .addOption(new Option('--s3-region <region>', 'with --s3-bucket: the bucket\'s region').env('TWOPHASE_DEV_S3_REGION'))
    .addOption(new Option('--s3-prefix <prefix>', 'with --s3-bucket: the key prefix, ending in /').env('TWOPHASE_DEV_S3_PREFIX'))
    .addOption(new Option('--s3-force-path-style', 'with --s3-bucket: path-style addressing').default(false))
    .addOption(
      new Option(
        '--decision-log <file|shared|url>',
        "the coordinator's decision log: file (in its data dir), shared (a table in dev's own PostgreSQL, as many coordinators would share it; two-phase mode only), or the postgres:// URL of another database",
      )
        .env('TWOPHASE_DEV_DECISION_LOG')
        .default('file'),
    )
    .addOption(
      new Option(
        '--coordinators <n>',
        `run n coordinators (1 to ${limits.devCoordinatorsMax}) on one shared decision log (needs --decision-log shared or a URL): ids c1…cn, coordinator i on --coordinator-port + ${limits.devCoordinatorPortStep}×(i-1) (and its metrics port likewise); the participants and the gateway are given them all`,
      )
        .env('TWOPHASE_DEV_COORDINATORS')
        .default('1'),
    )
    .addOption(
      new Option(
        '--metadata-shards <n>',
        `run n metadata participants (1 to ${limits.devMetadataShardsMax}) that share the namespaces, each on its own database of dev's PostgreSQL: ids metadata, metadata-2…, metadata i on --metadata-port + ${limits.devCoordinatorPortStep}×(i-1) (and its metrics port likewise), given to the coordinator as its --metadata-shards; two-phase mode only`,
      )
        .env('TWOPHASE_DEV_METADATA_SHARDS')
        .default('1'),
    )
    .addOption(
      new Option(
        '--no-standby',
        'start no standby processes: by default each of coordinator, blob, metadata and gateway has one, its code loaded, that takes its place at once when it dies (one more node process each, 50-80 MB of memory, no CPU while it waits; none with --cpu-prof-dir)',
      ),
    )
    .addOption(new Option('--cpu-prof-dir <dir>', 'run every child under node --cpu-prof: each writes <dir>/<child>/*.cpuprofile when it stops gracefully (a SIGKILLed child writes none)').env('TWOPHASE_DEV_CPU_PROF_DIR'))
    .action(async (opts: DevOptions) => {
      for (const [flag, value] of Object.entries({ '--coordinator-port': opts.coordinatorPort, '--blob-port': opts.blobPort, '--metadata-port': opts.metadataPort, '--postgres-port': opts.postgresPort })) {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`invalid setting ${flag}: ${value} is not a TCP port`);
      }
      // checked here, not only by the coordinator child: a bad value would otherwise show as a child that keeps restarting
      const mode = commitMode.safeParse(opts.commitMode);
      if (!mode.success) throw new ConfigError(`invalid setting --commit-mode (TWOPHASE_COMMIT_MODE): expected one of ${commitModes.join(', ')} (given ${JSON.stringify(opts.commitMode)})`, 'commitMode');
      // silent included: a child that prints no ready line would never be seen ready
      if (!(childLogLevels as readonly string[]).includes(opts.logLevel)) {
        throw new ConfigError(`invalid setting --log-level (TWOPHASE_LOG_LEVEL): expected one of ${childLogLevels.join(', ')} (given ${JSON.stringify(opts.logLevel)})`, 'logLevel');
      }
      if (opts.decisionLog !== 'file' && opts.decisionLog !== 'shared' && !isPostgresUrl(opts.decisionLog)) {
        throw new ConfigError(`invalid setting --decision-log (TWOPHASE_DEV_DECISION_LOG): expected file, shared or a postgres:// URL`, 'decisionLog');
      }
      if (opts.decisionLog !== 'file' && mode.data === 'last-resource') {
        throw new ConfigError('invalid setting --decision-log (TWOPHASE_DEV_DECISION_LOG): a shared decision log is for two-phase commit, not --commit-mode last-resource', 'decisionLog');
      }
      const coordinators = Number(opts.coordinators);
      if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > limits.devCoordinatorsMax) {
        throw new ConfigError(`invalid setting --coordinators (TWOPHASE_DEV_COORDINATORS): expected a whole number from 1 to ${limits.devCoordinatorsMax} (given ${JSON.stringify(opts.coordinators)})`, 'coordinators');
      }
      if (coordinators > 1 && opts.decisionLog === 'file') {
        throw new ConfigError('invalid setting --coordinators (TWOPHASE_DEV_COORDINATORS): several coordinators share one decision log; add --decision-log shared (or a postgres:// URL)', 'coordinators');
      }
      const shards = Number(opts.metadataShards);
      if (!Number.isInteger(shards) || shards < 1 || shards > limits.devMetadataShardsMax) {
        throw new ConfigError(`invalid setting --metadata-shards (TWOPHASE_DEV_METADATA_SHARDS): expected a whole number from 1 to ${limits.devMetadataShardsMax} (given ${JSON.stringify(opts.metadataShards)})`, 'metadataShards');
      }
      if (shards > 1 && mode.data === 'last-resource') {
        throw new ConfigError('invalid setting --metadata-shards (TWOPHASE_DEV_METADATA_SHARDS): sharded metadata is for two-phase commit (a tx across shards has two metadata participants; one only can be the last resource)', 'metadataShards');
      }
      const lastShardPort = Number(opts.metadataPort) + limits.devCoordinatorPortStep * (shards - 1);
      if (lastShardPort > 65_535) throw new ConfigError(`invalid setting --metadata-port: metadata shard ${shards} would listen on ${lastShardPort}, past 65535`, 'metadataPort');
      const lastCoordinatorPort = Number(opts.coordinatorPort) + limits.devCoordinatorPortStep * (coordinators - 1);
      if (lastCoordinatorPort > 65_535) throw new ConfigError(`invalid setting --coordinator-port: coordinator ${coordinators} would listen on ${lastCoordinatorPort}, past 65535`, 'coordinatorPort');
      if (opts.auth !== 'none' && opts.auth !== 'jwt') throw new ConfigError(`invalid setting --auth (TWOPHASE_DEV_AUTH): expected none or jwt (given ${JSON.stringify(opts.auth)})`, 'auth');
      await runDev({ ...opts, tls: opts.tls === true || String(opts.tls) === '1' || String(opts.tls) === 'true' }, metricsPortsOf(opts.metricsPorts));
    });
}

async function runDev(opts: DevOptions, metricsPorts: MetricsPorts | undefined): Promise<void> {
  const dir = resolve(opts.dataDir);
  const logDir = join(dir, 'logs');
  await mkdir(logDir, { recursive: true });
  const lock = await lockDir(dir);
  await stopLeftovers(dir);
  await checkPortsFree(opts, metricsPorts);
  const say = (text: string): void => console.log(`[dev] ${text}`);
  const supervisor = new Supervisor(logDir, {
    started: (name, pid) => {
      say(`${name} started (pid ${pid})`);
      void writeState(dir, () => supervisor.pids());
    },
    ready: (name, pid) => say(`${name} ready (pid ${pid})`),
    standbyExited: (name, code, signal) => {
      void writeState(dir, () => supervisor.pids());
      say(`${name} standby exited (${signal ?? `code ${code}`}); another is started after ${name}'s next ready line — see ${join(logDir, `${name}.log`)}`);
    },
    exited: (name, code, signal, restartInMs) =>
      say(`${name} exited (${signal ?? `code ${code}`})${restartInMs === undefined ? '' : `; restarting in ${restartInMs} ms — see ${join(logDir, `${name}.log`)}`}`),
  });
  const self = selfCommand();
  // flags of the child's own node, one directory per child so its profiles are told apart (NODE_OPTIONS would reach grandchildren too)
  const profile = (name: string): string[] => (opts.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(resolve(opts.cpuProfDir), name)}`]);
  // a standby is a process of its own, which would write a profile of its own beside the child's
  const standby = opts.standby && opts.cpuProfDir === undefined;
  const child = (name: string, args: string[], ready: RegExp): ChildSpec => ({
    name,
    command: self.command,
    args: [...profile(name), ...self.args, ...args, '--log-level', opts.logLevel],
    ready,
    standby: standby && name !== 'postgres',
  });
  const host = '127.0.0.1';
  const coordinators = devCoordinators(opts, metricsPorts);
  // what the participants and the gateway are given: the one address, or every coordinator by id
  const coordinator = coordinators.length === 1 ? coordinators[0]!.address : coordinators.map((c) => `${c.id}=${c.address}`).join(',');
  const blob = `${host}:${opts.blobPort}`;
  const shards = devMetadataShards(opts, metricsPorts);
  const databaseUrl = shards[0]!.databaseUrl;
  const grpcReady = /"msg":"gRPC server listening"/;
  const decisionLog = opts.decisionLog === 'file' ? [] : ['--decision-log', opts.decisionLog === 'shared' ? databaseUrl : opts.decisionLog];
  const admin = opts.admin ? ['--admin'] : [];
  const metrics = (name: (typeof metricsChildren)[number]): string[] => (metricsPorts === undefined ? [] : ['--metrics-listen', `${host}:${metricsPorts[name]}`]);
  const security = opts.tls ? await devTls(dir, shards.map((m) => m.id)) : undefined;
  const tls = (name: string): string[] => {
    if (security === undefined) return [];
    const files = security.certs.identities[name] as { cert: string; key: string };
    return ['--tls-cert', files.cert, '--tls-key', files.key, '--tls-ca', security.certs.ca, ...(name === 'gateway' ? [] : ['--access-policy', security.policy])];
  };
  const auth = opts.auth === 'jwt' ? await devJwt(dir) : undefined;
  const s3 =
    opts.s3Bucket === undefined
      ? []
      : [
          ...['--s3-bucket', opts.s3Bucket],
          ...(opts.s3Endpoint === undefined ? [] : ['--s3-endpoint', opts.s3Endpoint]),
          ...(opts.s3Region === undefined ? [] : ['--s3-region', opts.s3Region]),
          ...(opts.s3Prefix === undefined ? [] : ['--s3-prefix', opts.s3Prefix]),
          ...(opts.s3ForcePathStyle ? ['--s3-force-path-style'] : []),
        ];

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await supervisor.stop();
    await lock.release();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const postgresDir = await postgresDataDir(dir, say);
  // made here, once, rather than by the postgres child: a copy is said on the console
  const binaries = await reachableEmbeddedPostgres();
  if (binaries !== undefined) say(`the PostgreSQL binaries are where the postgres user cannot reach them; they run from a copy in ${binaries.copiedTo}`);
  await supervisor.start(child('postgres', ['postgres', '--data-dir', postgresDir, '--port', opts.postgresPort, '--database', shards.map((m) => m.database).join(',')], /"msg":"postgres ready"/));
  await Promise.all([
    ...coordinators.map((c) =>
      supervisor.start(
        child(
          c.child,
          [
            'coordinator',
            ...admin,
            '--listen',
            c.address,
            ...(coordinators.length === 1 ? [] : ['--coordinator-id', c.id]),
            '--data-dir',
            join(dir, c.child),
            '--participant',
            `blob=${blob}`,
            ...shards.flatMap((m) => ['--participant', `${m.id}=${m.address}`]),
            ...(shards.length === 1 ? [] : ['--metadata-shards', shards.map((m) => m.id).join(',')]),
            '--commit-mode',
            opts.commitMode,
            ...decisionLog,
            ...(c.metricsPort === undefined ? [] : ['--metrics-listen', `${host}:${c.metricsPort}`]),
            ...tls('coordinator'),
          ],
          grpcReady,
        ),
      ),
    ),
    supervisor.start(child('blob', ['participant', 'blob', ...admin, '--listen', blob, '--data-dir', join(dir, 'blob'), ...s3, '--coordinator', coordinator, ...metrics('blob'), ...tls('blob')], grpcReady)),
    ...shards.map((m) =>
      supervisor.start(
        child(
          m.id,
          [
            'participant',
            'metadata',
            ...admin,
            ...(shards.length === 1 ? [] : ['--participant-id', m.id]),
            '--listen',
            m.address,
            '--database-url',
            m.databaseUrl,
            '--coordinator',
            coordinator,
            ...(m.metricsPort === undefined ? [] : ['--metrics-listen', `${host}:${m.metricsPort}`]),
            ...tls(m.id),
          ],
          grpcReady,
        ),
      ),
    ),
  ]);
  const gatewayAuth = auth === undefined ? ['--auth', 'none'] : ['--auth', 'jwt', '--jwt-secret-file', auth.secretFile];
  await supervisor.start(
    child('gateway', ['gateway', '--listen', opts.httpListen, '--coordinator', coordinator, '--max-upload-bytes', opts.maxUploadBytes, ...gatewayAuth, ...metrics('gateway'), ...tls('gateway')], /"msg":"HTTP gateway listening"/),
  );
  const http = `${security === undefined ? 'http' : 'https'}://${opts.httpListen}`;
  const curl = `curl${security === undefined ? '' : ` --cacert ${security.certs.ca}`}${auth === undefined ? '' : ' -H "Authorization: Bearer $TWOPHASE_TOKEN"'}`;
  console.log(
    [
      '',
      'twophase is running',
      `  HTTP gateway          ${http}`,
      `  coordinator (gRPC)    ${coordinators.length === 1 ? coordinator : coordinators.map((c) => `${c.id} ${c.address}`).join(', ')}      commit mode ${opts.commitMode}${opts.commitMode === 'last-resource' ? ' (metadata is the last resource)' : ''}${opts.decisionLog === 'file' ? '' : `, decision log shared in PostgreSQL${opts.decisionLog === 'shared' ? ` (${databaseUrl}, table twophase_decisions)` : ''}`}`,
      `  blob (gRPC)           ${blob}      ${opts.s3Bucket === undefined ? `data in ${join(dir, 'blob')}` : `bytes in s3://${opts.s3Bucket}/${opts.s3Prefix ?? ''}${opts.s3Endpoint === undefined ? '' : ` at ${opts.s3Endpoint}`}`}`,
      ...shards.map((m) => `  ${m.id === 'metadata' ? 'metadata (gRPC)     ' : `${m.id} (gRPC)`}   ${m.address}      ${m.databaseUrl}${shards.length === 1 ? '' : ' (a metadata shard)'}`),
      `  logs                  ${logDir}/`,
      ...(security === undefined
        ? [`  TLS                   off (plaintext; \`--tls\` runs every link over mutual TLS)`]
        : [
            `  TLS                   mutual TLS on every link; CA ${security.certs.ca}`,
            `                        a client's certificate: ${security.certs.identities.client?.cert} (key ${security.certs.identities.client?.key})`,
            `                        the admin's: ${security.certs.identities.admin?.cert}; access policy ${security.policy}`,
          ]),
      ...(auth === undefined
        ? ['  auth                  none: anyone reaching the gateway may read and write every namespace (`--auth jwt` checks tokens)']
        : [
            `  auth                  bearer JWTs (HS256, secret ${auth.secretFile}); a token for every namespace, valid ${limits.devTokenHours} h, is in`,
            `                        ${auth.tokenFile} (not printed: a terminal's scrollback is a log too):  export TWOPHASE_TOKEN=$(cat ${auth.tokenFile})`,
          ]),
      ...(metricsPorts === undefined
        ? []
        : [
            `  metrics (Prometheus)  ${[
              ...coordinators.map((c) => `${c.child} http://${host}:${c.metricsPort}/metrics`),
              ...metricsChildren.filter((name) => name !== 'coordinator' && name !== 'metadata').map((name) => `${name} http://${host}:${metricsPorts[name]}/metrics`),
              ...shards.map((m) => `${m.id} http://${host}:${m.metricsPort}/metrics`),
            ].join('\n                        ')}`,
          ]),
      '',
      'Try:',
      `  ${curl} -T package.json ${http}/v1/files/alice/docs/a.json`,
      `  ${curl} ${http}/v1/files/alice/docs/a.json`,
      `  ${curl} '${http}/v1/files/alice/docs/a.json?revisions'`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

/**
 * The coordinators dev runs: one, child `coordinator` (id `coordinator`, its default); or
 * n on a shared log, children `coordinator-c1`… with ids c1…, each `limits.devCoordinatorPortStep`
 * ports (gRPC and metrics) after the one before.
 */
function devCoordinators(opts: DevOptions, metricsPorts: MetricsPorts | undefined): { id: string; child: string; address: string; port: number; metricsPort: number | undefined }[] {
  const n = Number(opts.coordinators);
  return Array.from({ length: n }, (_, i) => {
    const port = Number(opts.coordinatorPort) + limits.devCoordinatorPortStep * i;
    const id = n === 1 ? 'coordinator' : `c${i + 1}`;
    return {
      id,
      child: n === 1 ? 'coordinator' : `coordinator-${id}`,
      address: `127.0.0.1:${port}`,
      port,
      metricsPort: metricsPorts === undefined ? undefined : metricsPorts.coordinator + limits.devCoordinatorPortStep * i,
    };
  });
}

/**
 * The metadata participants dev runs: one, `metadata` on database `twophase`; or n sharing
 * the namespaces, `metadata`, `metadata-2`… on databases `twophase`, `twophase_metadata_2`…,
 * each `limits.devCoordinatorPortStep` ports (gRPC and metrics) after the one before.
 */
function devMetadataShards(opts: DevOptions, metricsPorts: MetricsPorts | undefined): { id: string; address: string; port: number; database: string; databaseUrl: string; metricsPort: number | undefined }[] {
  return Array.from({ length: Number(opts.metadataShards) }, (_, i) => {
    const port = Number(opts.metadataPort) + limits.devCoordinatorPortStep * i;
    const database = i === 0 ? 'twophase' : `twophase_metadata_${i + 1}`;
    return {
      id: i === 0 ? 'metadata' : `metadata-${i + 1}`,
      address: `127.0.0.1:${port}`,
      port,
      database,
      databaseUrl: `postgres://postgres:postgres@127.0.0.1:${opts.postgresPort}/${database}`,
      metricsPort: metricsPorts === undefined ? undefined : metricsPorts.metadata + limits.devCoordinatorPortStep * i,
    };
  });
}

/**
 * As root, the embedded PostgreSQL runs as the `postgres` user, which must be able to
 * reach its data directory. A checkout under a private directory (e.g. /root, mode 700)
 * cannot host it, so the cluster goes to /var/tmp instead, under a name derived from the
 * checkout, and we say so.
 */
async function postgresDataDir(dir: string, say: (text: string) => void): Promise<string> {
  const preferred = join(dir, 'postgres');
  if (process.getuid?.() !== 0 || (await traversableByOthers(dir))) return preferred;
  const fallback = join(reachableRuntimeRoot, `twophase-postgres-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
  await ensureOwnDirectory(fallback);
  say(`${dir} is not reachable by the postgres user; the PostgreSQL cluster lives in ${fallback}`);
  return join(fallback, 'data');
}

/**
 * Every port dev's children will listen on, checked before any starts: a busy one would
 * otherwise show as a child that fails and is restarted for ever. Throws a ConfigError
 * (exit 2) naming each busy port, the process that holds it when /proc shows it, and the
 * flag that moves it.
 */
async function checkPortsFree(opts: DevOptions, metricsPorts: MetricsPorts | undefined): Promise<void> {
  const http = splitHostPort(opts.httpListen);
  const ports = [
    { what: 'HTTP gateway', flag: '--http-listen', host: http.host, port: http.port, moved: (p: number) => `--http-listen ${http.host.includes(':') ? `[${http.host}]` : http.host}:${p}` },
    { what: 'embedded PostgreSQL', flag: '--postgres-port', host: '127.0.0.1', port: Number(opts.postgresPort) },
    ...devCoordinators(opts, metricsPorts).map((c) => ({ what: c.child, flag: '--coordinator-port', host: '127.0.0.1', port: c.port })),
    { what: 'blob participant', flag: '--blob-port', host: '127.0.0.1', port: Number(opts.blobPort) },
    ...devMetadataShards(opts, metricsPorts).map((m) => ({ what: m.id === 'metadata' ? 'metadata participant' : `metadata participant ${m.id}`, flag: '--metadata-port', host: '127.0.0.1', port: m.port })),
  ];
  if (metricsPorts !== undefined) {
    for (const c of devCoordinators(opts, metricsPorts).slice(1)) ports.push({ what: `${c.child} metrics`, flag: '--metrics-ports', host: '127.0.0.1', port: c.metricsPort! });
    for (const m of devMetadataShards(opts, metricsPorts).slice(1)) ports.push({ what: `${m.id} metrics`, flag: '--metrics-ports', host: '127.0.0.1', port: m.metricsPort! });
    metricsChildren.forEach((name, i) => {
      const others = metricsChildren.map((n) => String(metricsPorts[n]));
      ports.push({
        what: `${name} metrics`,
        flag: '--metrics-ports',
        host: '127.0.0.1',
        port: metricsPorts[name],
        moved: (p: number) => `--metrics-ports ${others.map((o, j) => (j === i ? String(p) : o)).join(',')}`,
      });
    });
  }
  const seen = new Map<number, string>();
  for (const { what, flag, port } of ports) {
    const other = seen.get(port);
    if (other !== undefined) throw new ConfigError(`invalid settings: the ${other} and the ${what} would both listen on port ${port}; move one (${flag})`, flag);
    seen.set(port, what);
  }
  const busy: string[] = [];
  for (const { what, flag, host, port, moved } of ports) {
    if (await portIsFree(host, port)) continue;
    const holder = await findPortHolder(port);
    const by = holder === undefined ? 'by another process' : `by pid ${holder.pid} (${holder.command})`;
    const free = await freePort();
    const setting = moved === undefined ? `${flag} ${free}` : moved(free);
    // run as `npm start`, the flag goes after `--`
    const how = process.env.npm_lifecycle_event === 'start' ? `\`npm start -- ${setting}\`` : setting;
    busy.push(`port ${port} (${what}) is in use ${by}; stop it, or move the ${what} with ${how} (a port free now)`);
  }
  if (busy.length > 0) throw new ConfigError(busy.join('\n'), busy.length === 1 ? 'port' : 'ports');
}

function splitHostPort(listen: string): { host: string; port: number } {
  const address = splitListenAddress(listen);
  if (address === undefined || address.port < 1) {
    throw new ConfigError(`invalid setting --http-listen (TWOPHASE_HTTP_LISTEN): expected host:port (given ${JSON.stringify(listen)})`, 'httpListen');
  }
  return address;
}

/** A `dev` killed with SIGKILL leaves its children running; stop them before taking their ports. */
async function stopLeftovers(dir: string): Promise<void> {
  let pids: Record<string, number | undefined>;
  try {
    pids = JSON.parse(await readFile(join(dir, 'dev-state.json'), 'utf8')) as Record<string, number | undefined>;
  } catch {
    return;
  }
  for (const [name, pid] of Object.entries(pids)) {
    if (pid === undefined || !(await isOurs(pid))) continue;
    console.log(`[dev] stopping ${name} (pid ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < limits.devLeftoverStopPollsMax && (await isOurs(pid)); i++) await new Promise((r) => setTimeout(r, limits.devLeftoverStopPollMs));
    if (await isOurs(pid)) process.kill(pid, 'SIGKILL');
  }
}

async function isOurs(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('twophase') || cmdline.includes('cli/main');
  } catch {
    return false;
  }
}

/**
 * Records the children's pids for a later dev (stopLeftovers) and for tools. Written whole
 * and renamed into place: the starts of children and standbys write it close together,
 * and a reader must never see half a file.
 */
let stateWrites: Promise<void> = Promise.resolve();
function writeState(dir: string, pids: () => Record<string, number | undefined>): Promise<void> {
  // one write at a time, each of the pids as they are when it runs: the last one wins
  stateWrites = stateWrites.then(async () => {
    const temp = join(dir, `dev-state.json.${process.pid}`);
    await writeFile(temp, JSON.stringify(pids()));
    await rename(temp, join(dir, 'dev-state.json'));
  }).catch((err: unknown) => {
    // a later dev then misses these pids (its children stop with this dev anyway)
    console.error(`[dev] could not record the children's pids in ${join(dir, 'dev-state.json')}: ${err instanceof Error ? err.message : String(err)}`);
  });
  return stateWrites;
}

/** `--tls`: the dev CA, a certificate per process (each metadata shard its own) and for a client and an admin, and the access policy naming them. */
async function devTls(dir: string, metadataIds: readonly string[]): Promise<{ certs: DevCertificates; policy: string }> {
  const { devCertificates, devAccessPolicy } = await import('../lib/tls/dev-certificates.js');
  const certs = await devCertificates(join(dir, 'tls'), ['coordinator', 'blob', ...metadataIds, 'gateway', 'client', 'admin']);
  const policy = join(dir, 'tls', 'access-policy.json');
  // the admin is a client too: `twophase chaos --gateway` checks what it wrote through the BlobStore service
  await writeFile(policy, `${JSON.stringify(devAccessPolicy(['blob', ...metadataIds], ['gateway', 'client', 'admin']), null, 2)}\n`);
  return { certs, policy };
}

/** `--auth jwt`: the HS256 secret (made once, mode 600) and a token granting every namespace. */
async function devJwt(dir: string): Promise<{ secretFile: string; tokenFile: string }> {
  const { randomBytes } = await import('node:crypto');
  const secretFile = join(dir, 'jwt-secret');
  let secret: string;
  try {
    secret = (await readFile(secretFile, 'utf8')).trim();
  } catch {
    secret = randomBytes(limits.jwtSecretBytesMin).toString('base64url');
    await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  }
  const { signToken } = await import('../gateway/sign-token.js');
  const token = await signToken(secret, { read: ['*'], write: ['*'], subject: 'dev', expiresIn: `${limits.devTokenHours}h` });
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { secretFile, tokenFile };
}
