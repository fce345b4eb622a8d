import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';

/**
 * The spans of one upload across every process of `twophase dev`, each exporting with the
 * OTLP/HTTP exporter configured by the standard OTEL_* variables, to a receiver in this
 * test that keeps them in memory.
 */
interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
}

const received: ReceivedSpan[] = [];
let receiver: Server;
let sys: DevSystem;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: OtlpAttribute[] }[] }[] }[];
}

const attributesOf = (list: OtlpAttribute[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue]));

/** Long enough for every process's batch span processor to export (each within OTEL_BSP_SCHEDULE_DELAY, 100 ms, of a span's end) on a loaded CI machine. */
const spansArrivalWaitMsMax = 20_000;

/**
 * The received spans of `traceId` once, for each `<service>:<name>` in `expected`, at least that many have arrived; or
 * those that have when spansArrivalWaitMsMax has passed, for the assertions to say which is missing. No one span's
 * arrival says the others are in: each process exports its own batches on its own schedule, and the gateway's server
 * span of the request ends only once the response is sent, after phase 2's spans may have been exported.
 */
async function spansOf(traceId: string, expected: Readonly<Record<string, number>>): Promise<ReceivedSpan[]> {
  const mine = (): ReceivedSpan[] => received.filter((s) => s.traceId === traceId);
  const arrived = (): boolean => {
    const counts = new Map<string, number>();
    for (const key of mine().map((s) => `${s.service}:${s.name}`)) counts.set(key, (counts.get(key) ?? 0) + 1);
    return Object.entries(expected).every(([key, count]) => (counts.get(key) ?? 0) >= count);
  };
  const giveUpAt = Date.now() + spansArrivalWaitMsMax;
  while (Date.now() < giveUpAt && !arrived()) await new Promise((r) => setTimeout(r, 100));
  return mine();
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST') {
        const message = JSON.parse(body) as OtlpExport;
        for (const rs of message.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? []) received.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, attributes: attributesOf(span.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sys = await DevSystem.start([], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('one upload is one trace: the HTTP request, the SDK, the coordinator\'s phases and each participant\'s work, parent to child across the processes', async () => {
    const traceId = randomBytes(16).toString('hex');
    const rootSpanId = randomBytes(8).toString('hex');
    const res = await fetch(`${sys.http}/v1/files/traced/a.bin`, { method: 'PUT', body: randomBytes(1000), headers: { traceparent: `00-${traceId}-${rootSpanId}-01` } });
    expect(res.status).toBe(201);
    const { txId } = (await res.json()) as { txId: string };

    // every span looked at below: the gateway's last batch (call commit, twophase upload, the server span) may come after phase 2's
    const spans = await spansOf(traceId, {
      'twophase-gateway:PUT /v1/files/:namespace/*': 1,
      'twophase-gateway:twophase upload': 1,
      'twophase-gateway:call begin': 1,
      'twophase-gateway:call put': 1,
      'twophase-gateway:call stageRevision': 1,
      'twophase-gateway:call commit': 1,
      'twophase-coordinator:serve begin': 1,
      'twophase-coordinator:serve enlist': 2,
      'twophase-coordinator:serve commit': 1,
      'twophase-coordinator:call prepare': 2,
      'twophase-coordinator:decide: commit record made durable': 1,
      'twophase-coordinator:call commit': 2,
      'twophase-blob:call enlist': 1,
      'twophase-blob:serve put': 1,
      'twophase-blob:serve prepare': 1,
      'twophase-blob:serve commit': 1,
      'twophase-metadata:call enlist': 1,
      'twophase-metadata:serve stageRevision': 1,
      'twophase-metadata:serve prepare': 1,
      'twophase-metadata:serve commit': 1,
    });
    const one = (service: string, name: string, parent?: ReceivedSpan): ReceivedSpan => {
      const found = spans.filter((s) => s.service === service && s.name === name && (parent === undefined || s.parentSpanId === parent.spanId));
      expect(found.map((s) => `${s.service} ${s.name}`), `${service} "${name}" under ${parent === undefined ? 'anything' : `"${parent.name}"`}; spans: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`).toHaveLength(1);
      return found[0] as ReceivedSpan;
    };

    const http = one('twophase-gateway', 'PUT /v1/files/:namespace/*');
    expect(http.parentSpanId).toBe(rootSpanId);
    expect(http.attributes['http.response.status_code']).toBe(201);
    const upload = one('twophase-gateway', 'twophase upload', http);
    expect(upload.attributes['twophase.tx_id']).toBe(txId);

    one('twophase-coordinator', 'serve begin', one('twophase-gateway', 'call begin', upload));
    const put = one('twophase-blob', 'serve put', one('twophase-gateway', 'call put', upload));
    one('twophase-coordinator', 'serve enlist', one('twophase-blob', 'call enlist', put));
    const stage = one('twophase-metadata', 'serve stageRevision', one('twophase-gateway', 'call stageRevision', upload));
    one('twophase-coordinator', 'serve enlist', one('twophase-metadata', 'call enlist', stage));

    const commit = one('twophase-coordinator', 'serve commit', one('twophase-gateway', 'call commit', upload));
    const prepares = spans.filter((s) => s.service === 'twophase-coordinator' && s.name === 'call prepare' && s.parentSpanId === commit.spanId);
    expect(prepares).toHaveLength(2);
    const preparedAt = prepares.map((p) => one(spans.find((s) => s.parentSpanId === p.spanId)?.service ?? '?', 'serve prepare', p).service).sort();
    expect(preparedAt).toEqual(['twophase-blob', 'twophase-metadata']);
    one('twophase-coordinator', 'decide: commit record made durable', commit);
    const phase2 = spans.filter((s) => s.service === 'twophase-coordinator' && s.name === 'call commit' && s.parentSpanId === commit.spanId);
    expect(phase2).toHaveLength(2);
    expect(phase2.map((p) => one(spans.find((s) => s.parentSpanId === p.spanId)?.service ?? '?', 'serve commit', p).service).sort()).toEqual(['twophase-blob', 'twophase-metadata']);
  }, 60_000);

  it('a large upload streamed through Put, and its download, carry the trace in the calls\' metadata: the blob participant\'s spans are the children of the gateway\'s', async () => {
    const traceId = randomBytes(16).toString('hex');
    const rootSpanId = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${rootSpanId}-01`;
    // over 256 KiB: not sent whole on the Link but streamed through BlobStore.Put
    const content = randomBytes(600 * 1024);
    const res = await fetch(`${sys.http}/v1/files/traced/large.bin`, { method: 'PUT', body: content, headers: { traceparent } });
    expect(res.status).toBe(201);
    const got = await fetch(`${sys.http}/v1/files/traced/large.bin`, { headers: { traceparent } });
    expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);

    // the four spans looked at, the gateway's as well as the blob participant's
    const spans = await spansOf(traceId, { 'twophase-gateway:call Put': 1, 'twophase-gateway:call Get': 1, 'twophase-blob:serve Put': 1, 'twophase-blob:serve Get': 1 });
    for (const kind of ['Put', 'Get']) {
      const calls = spans.filter((s) => s.service === 'twophase-gateway' && s.name === `call ${kind}`);
      const served = spans.filter((s) => s.service === 'twophase-blob' && s.name === `serve ${kind}`);
      expect(calls, `call ${kind}; spans: ${spans.map((x) => `${x.service}:${x.name}`).join(', ')}`).toHaveLength(1);
      expect(served.map((x) => x.parentSpanId), `serve ${kind} under call ${kind}`).toEqual([calls[0]?.spanId]);
    }
  }, 60_000);
});
