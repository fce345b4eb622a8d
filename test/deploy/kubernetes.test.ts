import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { cliEnvNames } from './cli-env-names.js';

/**
 * deploy/kubernetes/*.yaml, read as a cluster would: every object against the Kubernetes
 * API's schemas (kubernetes-models validates with them), then what those schemas cannot
 * know about twophase.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(repoRoot, 'deploy', 'kubernetes');

interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly env?: { name: string; value?: string; valueFrom?: unknown }[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly volumeMounts?: { name: string; mountPath: string }[];
  readonly securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

interface Probe {
  readonly grpc?: { port: number };
  readonly httpGet?: { port: number | string; path: string };
}

interface PodTemplate {
  readonly metadata: { labels: Record<string, string> };
  readonly spec: { containers: Container[]; volumes?: { name: string }[]; securityContext?: { runAsNonRoot?: boolean } };
}

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'apps/v1 StatefulSet': StatefulSet,
  'v1 Namespace': Namespace,
  'v1 Service': Service,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};

async function manifests(): Promise<{ file: string; objects: K8sObject[] }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const docs = parseAllDocuments(await readFile(join(dir, file), 'utf8'));
      for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return { file, objects: docs.map((doc) => doc.toJS() as K8sObject).filter((o) => o !== null) };
    }),
  );
}

const workloads = (objects: readonly K8sObject[]): K8sObject[] => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const templateOf = (o: K8sObject): PodTemplate => (o.spec as { template: PodTemplate }).template;
const envValue = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;

/** The subcommand a container runs, as cli-env-names keys it: its last word (`participant blob` → `blob`). */
const commandOf = (c: Container): string => (c.args ?? []).at(-1) ?? '';

describe('deploy/kubernetes', () => {
  it('every object of every file is valid against the Kubernetes API schemas', async () => {
    const all = await manifests();
    expect(all.map((m) => m.file)).toEqual(['blob.yaml', 'coordinator-shared-log.yaml', 'coordinator.yaml', 'gateway.yaml', 'metadata.yaml', 'namespace.yaml']);
    for (const { file, objects } of all) {
      for (const object of objects) {
        const Model = models[`${object.apiVersion} ${object.kind}`];
        expect(Model, `${file}: ${object.apiVersion} ${object.kind} is a kind this test knows`).toBeDefined();
        // throws naming the path of the first field that breaks the schema
        expect(() => new Model!(object as never).validate(), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
        if (object.kind !== 'Namespace') expect(object.metadata.namespace, `${file}: ${object.kind} ${object.metadata.name}`).toBe('twophase');
      }
    }
  });

  it('the schema check can fail: a port given as a word, or a missing selector, is refused', () => {
    const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'http' }] }] } } } };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('every TWOPHASE_* variable is one the command the container runs reads, and each runs a twophase command', async () => {
    const names = await cliEnvNames(repoRoot);
    for (const { file, objects } of await manifests()) {
      for (const workload of workloads(objects)) {
        for (const c of templateOf(workload).spec.containers) {
          expect(['coordinator', 'blob', 'metadata', 'gateway'], `${file}: ${c.name} args`).toContain(commandOf(c));
          const reads = names.byCommand.get(commandOf(c)) ?? new Set<string>();
          for (const e of c.env ?? []) if (e.name.startsWith('TWOPHASE_')) expect(reads.has(e.name), `${file}: ${e.name} is read by twophase ${(c.args ?? []).join(' ')}`).toBe(true);
        }
      }
    }
  });

  it('each Service selects the pods of its workload, on a port they declare; each probe and address is on a declared port', async () => {
    for (const { file, objects } of await manifests()) {
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        const spec = service.spec as { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
        const targets = workloads(objects).filter((w) => Object.entries(spec.selector).every(([k, v]) => templateOf(w).metadata.labels[k] === v));
        expect(targets.map((w) => w.metadata.name), `${file}: Service ${service.metadata.name} selects`).toEqual([service.metadata.name]);
        const declared = templateOf(targets[0]!).spec.containers.flatMap((c) => c.ports ?? []);
        for (const port of spec.ports) expect(declared.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort), `${file}: ${service.metadata.name} targetPort ${port.targetPort}`).toBe(true);
      }
      for (const workload of workloads(objects)) {
        for (const c of templateOf(workload).spec.containers) {
          const ports = (c.ports ?? []).map((p) => p.containerPort);
          for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
            if (probe === undefined) continue;
            expect(ports, `${file}: ${c.name} probe port`).toContain(Number(probe.grpc?.port ?? probe.httpGet?.port));
          }
          expect(c.readinessProbe, `${file}: ${c.name} has a readiness probe (a recovering server answers NOT_SERVING)`).toBeDefined();
          const listen = envValue(c, 'TWOPHASE_LISTEN') ?? envValue(c, 'TWOPHASE_HTTP_LISTEN') ?? '';
          expect(ports, `${file}: ${c.name} listens on ${listen}`).toContain(Number(listen.split(':').pop()));
          expect(ports, `${file}: ${c.name} metrics`).toContain(Number((envValue(c, 'TWOPHASE_METRICS_LISTEN') ?? '').split(':').pop()));
          expect(c.securityContext, `${file}: ${c.name}`).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        }
        expect(templateOf(workload).spec.securityContext?.runAsNonRoot, `${file}: ${workload.metadata.name}`).toBe(true);
      }
    }
  });

  it('what must survive a restart is on a volume that outlives the pod: the file decision log and the blob data; the shared-log coordinator keeps nothing', async () => {
    const all = new Map((await manifests()).map((m) => [m.file, m.objects]));
    const claimMountedAtDataDir = (file: string): void => {
      const set = workloads(all.get(file) ?? []).find((w) => w.kind === 'StatefulSet');
      expect(set, `${file} is a StatefulSet`).toBeDefined();
      const claims = ((set!.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((t) => t.metadata.name);
      const c = templateOf(set!).spec.containers[0]!;
      const dataDir = envValue(c, 'TWOPHASE_DATA_DIR');
      expect(c.volumeMounts?.find((m) => m.mountPath === dataDir)?.name, `${file}: TWOPHASE_DATA_DIR ${dataDir} is on a claim`).toSatisfy((name: string | undefined) => name !== undefined && claims.includes(name));
      expect((set!.spec as { replicas: number }).replicas).toBe(1);
    };
    claimMountedAtDataDir('coordinator.yaml');
    claimMountedAtDataDir('blob.yaml');
    const shared = workloads(all.get('coordinator-shared-log.yaml') ?? [])[0]!;
    expect(shared.kind).toBe('Deployment');
    const c = templateOf(shared).spec.containers[0]!;
    expect(c.env?.find((e) => e.name === 'TWOPHASE_DECISION_LOG')?.valueFrom, 'the log URL (with its password) comes from a secret').toEqual({ secretKeyRef: { name: 'twophase-postgres', key: 'decision-log-url' } });
    expect(envValue(c, 'TWOPHASE_COORDINATOR_ID')).toMatch(/^[a-z][a-z0-9_-]*$/);
    const metadata = templateOf(workloads(all.get('metadata.yaml') ?? [])[0]!).spec.containers[0]!;
    expect(metadata.env?.find((e) => e.name === 'TWOPHASE_DATABASE_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'twophase-postgres', key: 'database-url' } });
  });

  it('the participants and the gateway find the coordinator, and the coordinator the participants, by their Services', async () => {
    const all = (await manifests()).flatMap((m) => m.objects);
    const services = new Map(
      all.filter((o) => o.kind === 'Service').map((s) => [`${s.metadata.name}.twophase.svc`, (s.spec as { ports: { port: number }[] }).ports.map((p) => p.port)]),
    );
    const reachable = (address: string): boolean => {
      const [host, port] = address.split(':');
      return services.get(host ?? '')?.includes(Number(port)) === true;
    };
    for (const workload of workloads(all)) {
      const c = templateOf(workload).spec.containers[0]!;
      const coordinator = envValue(c, 'TWOPHASE_COORDINATOR');
      if (coordinator !== undefined) expect(reachable(coordinator), `${workload.metadata.name}: ${coordinator}`).toBe(true);
      for (const item of (envValue(c, 'TWOPHASE_PARTICIPANTS') ?? '').split(',').filter((i) => i !== '')) {
        expect(reachable(item.split('=')[1] ?? ''), `${workload.metadata.name}: ${item}`).toBe(true);
      }
    }
  });
});
