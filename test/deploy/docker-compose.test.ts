import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAccessPolicy, devCertificates } from '../../lib/tls/dev-certificates.js';
import { loadTransportSecurity } from '../../lib/tls/transport-security.js';
import { runCli } from '../support/cli-process.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runGateway } from '../../gateway/main.js';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { cliEnvNames } from './cli-env-names.js';
import { composeOutline } from './compose-outline.js';
import { type ComposeConfig, type ComposeService, findComposeTool } from './find-compose-tool.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const composeTlsFile = fileURLToPath(new URL('../../docker-compose.tls.yml', import.meta.url));

const serviceNames = ['postgres', 'coordinator', 'blob', 'metadata', 'gateway', 'prometheus', 'grafana'];
const twophaseServices = ['coordinator', 'blob', 'metadata', 'gateway'];
/** The twophase subcommand each service runs. */
const expectedCommands: Record<string, readonly string[]> = {
  coordinator: ['coordinator'],
  blob: ['participant', 'blob'],
  metadata: ['participant', 'metadata'],
  gateway: ['gateway'],
};
/** Named volume → where the service keeps what must outlive its container. */
const expectedVolumes = [
  { service: 'postgres', volume: 'postgres-data', dataDirVariable: undefined },
  { service: 'coordinator', volume: 'coordinator-log', dataDirVariable: 'TWOPHASE_DATA_DIR' },
  { service: 'blob', volume: 'blob-data', dataDirVariable: 'TWOPHASE_DATA_DIR' },
];
/** `config` interpolates it; a deployment must set it (the file refuses to start without). */
const composeEnv = { ...process.env, POSTGRES_PASSWORD: 'test-password', GRAFANA_ADMIN_PASSWORD: 'test-grafana-password' };

const tool = findComposeTool();
const toolMissing = 'missing' in tool ? tool.missing : undefined;
if (toolMissing !== undefined) console.log(`docker-compose.yml: the checks through Compose itself are skipped: ${toolMissing}`);

const composeText = (): Promise<string> => readFile(composeFile, 'utf8');
const twophaseVariables = (text: string): string[] => [...new Set(text.match(/TWOPHASE_[A-Z0-9_]+/g) ?? [])];

/** The value of `name: value` in a block of the file, unquoted. */
function valueIn(block: string, name: string): string | undefined {
  const match = new RegExp(`^\\s+${name}:\\s*"?([^"\\s]+)"?\\s*$`, 'm').exec(block);
  return match?.[1];
}

describe('docker-compose.yml, read as text', () => {
  it('has the seven services, each with a healthcheck, and a named volume for every piece of state', async () => {
    const outline = composeOutline(await composeText());

    expect([...outline.services.keys()].sort()).toEqual([...serviceNames].sort());
    for (const [name, block] of outline.services) expect(block, `service ${name}`).toMatch(/^ {4}healthcheck:/m);
    for (const { service, volume, dataDirVariable } of expectedVolumes) {
      expect(outline.volumes).toContain(volume);
      const block = outline.services.get(service) ?? '';
      const mount = new RegExp(`^\\s+- ${volume}:(\\S+)\\s*$`, 'm').exec(block)?.[1];
      expect(mount, `${service} mounts ${volume}`).toBeDefined();
      if (dataDirVariable !== undefined) expect(valueIn(block, dataDirVariable), `${service}'s data dir is on ${volume}`).toBe(mount);
    }
  });

  it('sets only TWOPHASE_* variables that the twophase command reads, each in a service whose subcommand reads it', async () => {
    const text = await composeText();
    const cli = await cliEnvNames(repoRoot);
    expect(cli.all.size).toBeGreaterThan(5);

    // anywhere: the healthchecks read variables too
    expect(twophaseVariables(text).filter((name) => !cli.all.has(name))).toEqual([]);
    for (const [service, block] of composeOutline(text).services) {
      const variables = twophaseVariables(block);
      if (variables.length === 0) continue;
      const command = /^ {4}command:\s*(\[.*\])\s*$/m.exec(block)?.[1];
      if (command === undefined) throw new Error(`service ${service} sets TWOPHASE_* variables but has no command: [...] line to say what it runs`);
      const subcommand = (JSON.parse(command) as string[])[0] ?? '';
      const read = cli.byCommand.get(subcommand);
      expect(read, `twophase ${subcommand} is a subcommand`).toBeDefined();
      expect(variables.filter((name) => !read?.has(name)), `variables of ${service} that twophase ${subcommand} ignores`).toEqual([]);
    }
  });

  it('gives PostgreSQL max_prepared_transactions of at least TWOPHASE_BRANCHES_MAX of the metadata participant', async () => {
    const services = composeOutline(await composeText()).services;

    const prepared = /max_prepared_transactions=(\d+)/.exec(services.get('postgres') ?? '')?.[1];
    const branches = valueIn(services.get('metadata') ?? '', 'TWOPHASE_BRANCHES_MAX');

    expect(prepared, 'postgres sets max_prepared_transactions (0 by default: no PREPARE TRANSACTION at all)').toBeDefined();
    expect(branches, 'metadata sets TWOPHASE_BRANCHES_MAX, so the two are kept together').toBeDefined();
    expect(Number(prepared)).toBeGreaterThanOrEqual(Number(branches));
  });
});

const commandOf = (service: ComposeService): readonly string[] =>
  typeof service.command === 'string' ? service.command.split(' ') : (service.command ?? []);
const targetOf = (volume: NonNullable<ComposeService['volumes']>[number], name: string): string | undefined =>
  typeof volume === 'string' ? (volume.startsWith(`${name}:`) ? volume.split(':')[1] : undefined) : volume.source === name ? volume.target : undefined;

/** The healthcheck of a service, as the `node -e` script it runs; fails unless it is one. */
function nodeScript(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (!Array.isArray(test) || test[0] !== 'CMD' || test[1] !== 'node' || test[2] !== '-e' || typeof test[3] !== 'string') {
    throw new Error(`healthcheck is not ["CMD", "node", "-e", script]: ${JSON.stringify(test)}`);
  }
  return test[3];
}

/** Runs a healthcheck script as Docker would in the image (/app holds node_modules), with `env`: its exit code. */
async function runHealthcheck(script: string, env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, ['-e', script], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const [code] = (await once(child, 'close')) as [number | null];
  return code;
}

describe.skipIf(toolMissing !== undefined)(`docker-compose.yml, as Compose reads it${toolMissing === undefined ? '' : ` (skipped: ${toolMissing})`}`, () => {
  // each run of docker-compose v1 costs ~2 s of Python start-up: read the file once
  let read: ComposeConfig | undefined;
  const config = (): ComposeConfig => {
    if ('missing' in tool) throw new Error(tool.missing);
    read ??= tool.configJson(composeFile, composeEnv);
    return read;
  };

  it('is valid, and refuses to start without POSTGRES_PASSWORD', () => {
    if ('missing' in tool) throw new Error(tool.missing);
    const valid = tool.config(composeFile, composeEnv, ['--quiet']);
    const { POSTGRES_PASSWORD: _, ...withoutPassword } = composeEnv;
    const noPassword = tool.config(composeFile, withoutPassword, ['--quiet']);

    expect(valid.status, `${tool.description}: ${valid.stderr}`).toBe(0);
    expect(noPassword.status).not.toBe(0);
    expect(noPassword.stderr).toContain('POSTGRES_PASSWORD');
  });

  it('runs the seven services, each with a healthcheck and restarted unless stopped; twophase ones from the Dockerfile', () => {
    const { services } = config();

    expect(Object.keys(services).sort()).toEqual([...serviceNames].sort());
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, `healthcheck of ${name}`).toBeDefined();
      expect(service.healthcheck?.disable ?? false).toBe(false);
      expect(service.restart, `restart of ${name}`).toBe('unless-stopped');
    }
    for (const name of twophaseServices) {
      expect(services[name]?.build?.context, `${name} is built from this repository`).toBe(repoRoot.replace(/\/$/, ''));
      expect(commandOf(services[name] ?? {}), `command of ${name}`).toEqual(expectedCommands[name]);
    }
  });

  it('runs PostgreSQL with max_prepared_transactions, checked healthy with pg_isready', () => {
    const postgres = config().services.postgres ?? {};

    expect(commandOf(postgres).join(' ')).toMatch(/-c max_prepared_transactions=[1-9]\d*/);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
  });

  it('keeps PostgreSQL data, the decision log and the blob data in named volumes, where each process writes', () => {
    const { services, volumes } = config();

    for (const { service, volume, dataDirVariable } of expectedVolumes) {
      expect(Object.keys(volumes ?? {})).toContain(volume);
      const mounts = (services[service]?.volumes ?? []).map((v) => targetOf(v, volume)).filter((t) => t !== undefined);
      expect(mounts, `${service} mounts ${volume}`).toHaveLength(1);
      if (dataDirVariable !== undefined) expect(services[service]?.environment?.[dataDirVariable]).toBe(mounts[0]);
    }
  });

  it('listens on 0.0.0.0 in the network, publishes the gateway on 8080 (Grafana and Prometheus on loopback only), and starts each service once those it needs are healthy', () => {
    const { services } = config();
    const env = (name: string): Readonly<Record<string, string | null>> => services[name]?.environment ?? {};

    for (const name of ['coordinator', 'blob', 'metadata']) expect(env(name).TWOPHASE_LISTEN).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(env('gateway').TWOPHASE_HTTP_LISTEN).toBe('0.0.0.0:8080');
    const published = Object.entries(services).filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(['gateway', 'grafana', 'prometheus']);
    expect(JSON.stringify(services.gateway?.ports)).toMatch(/"published":"?8080"?/);
    // the dashboards and the metrics store only on the host's loopback
    for (const name of ['grafana', 'prometheus']) {
      // Compose v1 writes a port as "host_ip:published:target/proto", v2 as an object
      for (const port of services[name]?.ports ?? []) expect(JSON.stringify(port), name).toMatch(/^"127\.0\.0\.1:|"host_ip":"127\.0\.0\.1"/);
    }
    // every twophase process serves its metrics where the scrape config looks
    for (const name of twophaseServices) expect(env(name).TWOPHASE_METRICS_LISTEN, name).toBe('0.0.0.0:9464');
    // every address one service gives another names a service on port it listens on
    const listenPort = (name: string): string | undefined => env(name).TWOPHASE_LISTEN?.split(':')[1] ?? undefined;
    for (const name of ['blob', 'metadata', 'gateway']) expect(env(name).TWOPHASE_COORDINATOR).toBe(`coordinator:${listenPort('coordinator')}`);
    expect(env('coordinator').TWOPHASE_PARTICIPANTS).toBe(`blob=blob:${listenPort('blob')},metadata=metadata:${listenPort('metadata')}`);
    expect(env('metadata').TWOPHASE_DATABASE_URL).toBe('postgres://twophase:test-password@postgres:5432/twophase');
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} waits for ${dependency}`).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.metadata?.depends_on ?? {})).toContain('postgres');
    expect(Object.keys(services.gateway?.depends_on ?? {}).sort()).toEqual(['blob', 'coordinator', 'metadata']);
  });

  it('the gRPC healthcheck passes for a SERVING server and fails for a NOT_SERVING one or none', { timeout: 30_000 }, async () => {
    const { services } = config();
    const scripts = new Set(['coordinator', 'blob', 'metadata'].map((name) => nodeScript(services[name] ?? {})));
    const server = await startGrpcServer('127.0.0.1:0', [], silentLogger());
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : server.shutdown(0)));
    // as in a container: the service listens on 0.0.0.0 and its healthcheck asks 127.0.0.1
    const env = { TWOPHASE_LISTEN: `0.0.0.0:${server.port}` };

    for (const script of scripts) {
      expect(await runHealthcheck(script, env), 'SERVING').toBe(0);
      server.health.setStatus('', 'NOT_SERVING');
      expect(await runHealthcheck(script, env), 'NOT_SERVING').toBe(1);
      server.health.setStatus('', 'SERVING');
    }
    await server.shutdown(0);
    stopped = true;
    for (const script of scripts) expect(await runHealthcheck(script, env), 'no server').toBe(1);
  });

  it('the gateway healthcheck passes while the gateway serves /healthz and fails once it stops', { timeout: 30_000 }, async () => {
    const script = nodeScript(config().services.gateway ?? {});
    // the coordinator is not asked for /healthz; nothing listens on port 1
    const gateway = await runGateway({ listen: '127.0.0.1:0', coordinator: [{ id: undefined, address: '127.0.0.1:1' }], maxUploadBytes: 1024, callTimeoutMs: 1000, logLevel: 'silent', auth: 'none', headersTimeoutMs: 20_000, idleTimeoutMs: 60_000, connectionsPerClient: 256 });
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : gateway.stop()));
    const env = { TWOPHASE_HTTP_LISTEN: `0.0.0.0:${gateway.port}` };

    expect(await runHealthcheck(script, env)).toBe(0);
    await gateway.stop();
    stopped = true;
    expect(await runHealthcheck(script, env)).toBe(1);
  });

  it('with docker-compose.tls.yml: every twophase service gets its certificate, its key and the CA from the mounted directory, servers the access policy, and twophase certs makes exactly those files', { timeout: 60_000 }, async () => {
    if ('missing' in tool) throw new Error(tool.missing);
    const { services } = tool.configJson([composeFile, composeTlsFile], composeEnv);
    const dir = await mkdtemp(join(tmpdir(), 'twophase-certs-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const made = await runCli(['certs', '--dir', join(dir, 'tls'), '--trust-domain', 'twophase.local']);
    expect(made.code, made.stderr).toBe(0);
    const files = new Set(await readdir(join(dir, 'tls')));
    for (const name of twophaseServices) {
      const env = services[name]?.environment ?? {};
      const mount = (services[name]?.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`)).find((v) => v.includes('/etc/twophase/tls'));
      expect(mount, `${name} mounts deploy/tls`).toMatch(/deploy\/tls:\/etc\/twophase\/tls/);
      const wanted = ['TWOPHASE_TLS_CERT', 'TWOPHASE_TLS_KEY', 'TWOPHASE_TLS_CA', ...(name === 'gateway' ? [] : ['TWOPHASE_ACCESS_POLICY'])];
      for (const variable of wanted) {
        const path = env[variable] ?? '';
        expect(path, `${name} ${variable}`).toMatch(/^\/etc\/twophase\/tls\//);
        expect(files.has(path.split('/').pop() ?? ''), `${name} ${variable}: twophase certs makes ${path}`).toBe(true);
      }
      expect(env.TWOPHASE_TLS_CERT).toBe(`/etc/twophase/tls/${name}.crt`);
    }
    // the data volumes of the base file are still there
    expect(JSON.stringify(services.coordinator?.volumes)).toContain('coordinator-log');
    expect(JSON.stringify(services.blob?.volumes)).toContain('blob-data');
  });

  it('over TLS, the gRPC healthcheck presents the container\'s certificate and passes, and the gateway\'s goes over HTTPS', { timeout: 60_000 }, async () => {
    const { services } = config();
    const dir = await mkdtemp(join(tmpdir(), 'twophase-certs-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const certs = await devCertificates(dir, ['coordinator', 'gateway']);
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify(devAccessPolicy([], ['gateway'])));
    const files = (name: string) => ({ TWOPHASE_TLS_CERT: certs.identities[name]?.cert ?? '', TWOPHASE_TLS_KEY: certs.identities[name]?.key ?? '', TWOPHASE_TLS_CA: certs.ca });
    const security = await loadTransportSecurity({ tlsCert: files('coordinator').TWOPHASE_TLS_CERT, tlsKey: files('coordinator').TWOPHASE_TLS_KEY, tlsCa: certs.ca, accessPolicy: policy }, { server: true });
    const server = await startGrpcServer('127.0.0.1:0', [], silentLogger(), security);
    onTestFinished(() => server.shutdown(0));
    const grpcScript = nodeScript(services.coordinator ?? {});
    expect(await runHealthcheck(grpcScript, { TWOPHASE_LISTEN: `0.0.0.0:${server.port}`, ...files('coordinator') }), 'with its certificate').toBe(0);
    expect(await runHealthcheck(grpcScript, { TWOPHASE_LISTEN: `0.0.0.0:${server.port}` }), 'in plaintext').toBe(1);

    const gateway = await runGateway({
      listen: '127.0.0.1:0', coordinator: [{ id: undefined, address: '127.0.0.1:1' }], maxUploadBytes: 1024, callTimeoutMs: 1000, logLevel: 'silent', auth: 'none', headersTimeoutMs: 20_000, idleTimeoutMs: 60_000, connectionsPerClient: 256,
      tlsCert: files('gateway').TWOPHASE_TLS_CERT, tlsKey: files('gateway').TWOPHASE_TLS_KEY, tlsCa: certs.ca,
    });
    onTestFinished(() => gateway.stop());
    const httpsScript = nodeScript(services.gateway ?? {});
    expect(await runHealthcheck(httpsScript, { TWOPHASE_HTTP_LISTEN: `0.0.0.0:${gateway.port}`, ...files('gateway') }), 'over HTTPS').toBe(0);
    expect(await runHealthcheck(httpsScript, { TWOPHASE_HTTP_LISTEN: `0.0.0.0:${gateway.port}` }), 'HTTP to an HTTPS port').toBe(1);
  });
});
