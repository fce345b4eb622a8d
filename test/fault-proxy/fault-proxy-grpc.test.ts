import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../lib/fault-proxy/fault-proxy.js';

interface HealthResponse {
  readonly status: string;
}

/** The slice of the generated Health client these tests call. */
interface HealthClient extends grpc.Client {
  check(request: { service: string }, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, res?: HealthResponse) => void): grpc.ClientUnaryCall;
  watch(request: { service: string }, options?: grpc.CallOptions): grpc.ClientReadableStream<HealthResponse>;
}

type HealthClientConstructor = new (address: string, credentials: grpc.ChannelCredentials) => HealthClient;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function healthClientConstructor(): HealthClientConstructor {
  const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: HealthClientConstructor } } } };
  return pkg.grpc.health.v1.Health;
}

/** A gRPC server with only the health service, reached through a fault proxy. */
async function setup(): Promise<{ proxy: FaultProxy; client: () => HealthClient }> {
  const server = new grpc.Server();
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  const serverPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  cleanups.push(() => {
    server.forceShutdown();
  });
  const proxy = new FaultProxy({ name: 'client->health', targetHost: '127.0.0.1', targetPort: serverPort });
  const proxyPort = await proxy.start();
  cleanups.push(() => proxy.stop());
  const Health = healthClientConstructor();
  const client = (): HealthClient => {
    const c = new Health(`127.0.0.1:${proxyPort}`, grpc.credentials.createInsecure());
    cleanups.push(() => c.close());
    return c;
  };
  return { proxy, client };
}

/** Settles with the call's error instead of rejecting, so a test can assert on its code. */
function check(client: HealthClient, options: { deadlineMs: number }): Promise<HealthResponse | grpc.ServiceError> {
  return new Promise((resolve) => {
    client.check({ service: '' }, { deadline: Date.now() + options.deadlineMs }, (err, res) => {
      if (err !== null) resolve(err);
      else if (res !== undefined) resolve(res);
    });
  });
}

/** Connects the channel, riding out the reconnect backoff a failed connection leaves behind. */
function waitForReady(client: HealthClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
}

/** Resolves once the channel's state is no longer `state`. */
function waitForStateChange(client: HealthClient, state: grpc.connectivityState, timeoutMs: number): Promise<void> {
  const channel = client.getChannel();
  return new Promise((resolve, reject) => {
    if (channel.getConnectivityState(false) !== state) resolve();
    else channel.watchConnectivityState(state, Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
  });
}

describe('FaultProxy carrying gRPC', () => {
  it('passes a gRPC call through unchanged', async () => {
    const { proxy, client } = await setup();
    expect(await check(client(), { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1 });
  });

  it('dropConnections fails an in-flight call with UNAVAILABLE and the next call succeeds after reconnect', async () => {
    const { proxy, client } = await setup();
    const health = client();
    const stream = health.watch({ service: '' });
    const firstMessage = new Promise<HealthResponse>((resolve) => stream.once('data', resolve));
    const streamError = new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    expect(await firstMessage).toMatchObject({ status: 'SERVING' });
    proxy.dropConnections();
    expect(await streamError).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 2, connectionsOpen: 1 });
  });

  it('partition both fails new gRPC calls with UNAVAILABLE, and heal lets them through', async () => {
    const { proxy, client } = await setup();
    proxy.partition('both');
    const health = client();
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(proxy.stats().connectionsRefused).toBeGreaterThanOrEqual(1);
    proxy.heal();
    await waitForReady(health, 10_000);
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
  });

  it('a forward partition makes a gRPC call hit its deadline while the connection stays open', async () => {
    const { proxy, client } = await setup();
    const health = client();
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    proxy.partition('forward');
    const startedMs = Date.now();
    expect(await check(health, { deadlineMs: 500 })).toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(450);
    const stats = proxy.stats();
    expect(stats).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1 });
    expect(stats.forward.bytesDropped).toBeGreaterThan(0);

    proxy.heal();
    // the healed stream lost the request's bytes, so the proxy resets it and the client reconnects
    await waitForStateChange(health, grpc.connectivityState.READY, 5_000);
    await waitForReady(health, 10_000);
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 2, connectionsOpen: 1 });
  });

  it('a delay adds at least its length each way to a gRPC round trip', async () => {
    const { proxy, client } = await setup();
    const health = client();
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    proxy.setDelay(150);
    const startedMs = performance.now();
    expect(await check(health, { deadlineMs: 5_000 })).toMatchObject({ status: 'SERVING' });
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(300);
  });
});
