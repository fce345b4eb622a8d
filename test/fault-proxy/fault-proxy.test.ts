import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy, type FaultProxyOptions } from '../../lib/fault-proxy/fault-proxy.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { connectClient, type TestClient } from './connect-client.js';
import { startEchoServer, type EchoServerOptions } from './start-echo-server.js';
import { waitUntil } from './wait-until.js';

/** One socket read on Linux is at most 64 KiB, so a queue may overshoot its bound by that much. */
const readBytesMax = 64 * 1024;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  options: Partial<FaultProxyOptions> = {},
  echoOptions: EchoServerOptions = {},
): Promise<{ proxy: FaultProxy; port: number; echo: Awaited<ReturnType<typeof startEchoServer>>; client: () => Promise<TestClient> }> {
  const echo = await startEchoServer(echoOptions);
  cleanups.push(() => echo.close());
  const proxy = new FaultProxy({ name: 'test->echo', targetHost: '127.0.0.1', targetPort: echo.port, ...options });
  const port = await proxy.start();
  cleanups.push(() => proxy.stop());
  const client = async (): Promise<TestClient> => {
    const c = await connectClient(port);
    cleanups.push(() => {
      c.socket.destroy();
    });
    return c;
  };
  return { proxy, port, echo, client };
}

async function roundTripMs(client: TestClient, message: Buffer): Promise<number> {
  const before = client.received().length;
  const startedMs = performance.now();
  client.socket.write(message);
  await client.waitForBytes(before + message.length);
  return performance.now() - startedMs;
}

describe('FaultProxy', () => {
  it('passes bytes through unchanged both ways and counts them', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    const payload = randomBytes(1024 * 1024);
    c.socket.write(payload);
    expect((await c.waitForBytes(payload.length)).equals(payload)).toBe(true);
    const stats = proxy.stats();
    expect(stats).toMatchObject({ connectionsAccepted: 1, connectionsOpen: 1, connectionsRefused: 0, queuedBytes: 0 });
    expect(stats.forward).toEqual({ bytesReceived: payload.length, bytesDelivered: payload.length, bytesDropped: 0 });
    expect(stats.backward).toEqual({ bytesReceived: payload.length, bytesDelivered: payload.length, bytesDropped: 0 });
  });

  it('a delay of N ms adds at least N ms each way to a round trip, and setDelay(0) forwards without queueing', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    proxy.setDelay(100);
    // a lower bound: the delay itself, once on the way there and once on the way back
    expect(await roundTripMs(c, Buffer.from('ping'))).toBeGreaterThanOrEqual(200);
    expect(proxy.stats().queuedBytesPeak).toBe('ping'.length);
    proxy.setDelay(0);
    const payload = randomBytes(1024);
    c.socket.write(payload);
    expect((await c.waitForBytes('ping'.length + payload.length)).subarray('ping'.length).equals(payload)).toBe(true);
    // undelayed, every chunk is handed on as it arrives: none ever waited in a queue
    expect(proxy.stats()).toMatchObject({ queuedBytes: 0, queuedBytesPeak: 'ping'.length });
  });

  it('a chunk is delayed from its own arrival, not from the delivery of the chunks queued ahead of it', async () => {
    const { proxy, client, echo } = await setup();
    const [first, second] = [await client(), await client()];
    await roundTripMs(first, Buffer.from('1'));
    await roundTripMs(second, Buffer.from('2'));
    proxy.setDelay(300);
    first.socket.write('A');
    await waitUntil('A is queued', () => proxy.stats().queuedBytes === 1);
    first.socket.write('B');
    await waitUntil('B is queued behind A', () => proxy.stats().queuedBytes === 2);
    await sleep(30);
    second.socket.write('C');
    await waitUntil('the target heard A, B and C', () => echo.bytesReceived() === 5);
    // B arrived before C, so it is due before C; a delay counted from A's delivery would let C overtake it
    expect(echo.arrivals()).toBe('12ABC');
  });

  it('keeps byte order per direction while the delay changes mid-stream', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    const sent: Buffer[] = [];
    for (let i = 0; i < 40; i += 1) {
      proxy.setDelay([80, 0, 30, 0][i % 4] ?? 0);
      const chunk = randomBytes(1000 + i);
      sent.push(chunk);
      c.socket.write(chunk);
      await sleep(2);
    }
    const all = Buffer.concat(sent);
    expect((await c.waitForBytes(all.length)).equals(all)).toBe(true);
  });

  it('dropConnections resets every open connection and still accepts new ones', async () => {
    const { proxy, client } = await setup();
    const open = await Promise.all([client(), client(), client()]);
    for (const c of open) await roundTripMs(c, Buffer.from('hi'));
    proxy.dropConnections();
    for (const c of open) expect(await c.closed).toMatchObject({ code: 'ECONNRESET' });
    await waitUntil('no connection is open', () => proxy.stats().connectionsOpen === 0);
    const fresh = await client();
    await roundTripMs(fresh, Buffer.from('again'));
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 4, connectionsOpen: 1 });
  });

  it('partition both resets open connections and refuses new ones until heal', async () => {
    const { proxy, client, echo } = await setup();
    const open = await client();
    await roundTripMs(open, Buffer.from('hi'));
    proxy.partition('both');
    expect(await open.closed).toMatchObject({ code: 'ECONNRESET' });
    const refused = await client();
    refused.socket.write('anyone?');
    expect(await refused.closed).toBeInstanceOf(Error);
    expect(refused.received().length).toBe(0);
    expect(echo.connectionsAccepted()).toBe(1);
    expect(proxy.stats()).toMatchObject({ connectionsRefused: 1, connectionsOpen: 0 });
    proxy.heal();
    await roundTripMs(await client(), Buffer.from('back'));
  });

  it('a forward partition discards client bytes silently while the connection stays open', async () => {
    const { proxy, client, echo } = await setup();
    const c = await client();
    await roundTripMs(c, Buffer.from('hi'));
    proxy.partition('forward');
    c.socket.write('lost in transit');
    await sleep(300);
    expect(echo.bytesReceived()).toBe(2);
    expect(c.received().length).toBe(2);
    expect(c.socket.destroyed).toBe(false);
    expect(proxy.stats()).toMatchObject({ connectionsOpen: 1, forward: { bytesDropped: 'lost in transit'.length } });
  });

  it('a backward partition discards target bytes while the target still hears the client', async () => {
    const { proxy, client, echo } = await setup();
    const c = await client();
    await roundTripMs(c, Buffer.from('hi'));
    proxy.partition('backward');
    c.socket.write('heard but unanswered');
    await waitUntil('the target heard the client', () => echo.bytesReceived() === 2 + 'heard but unanswered'.length);
    await sleep(200);
    expect(c.received().length).toBe(2);
    expect(c.socket.destroyed).toBe(false);
    expect(proxy.stats()).toMatchObject({ connectionsOpen: 1, backward: { bytesDropped: 'heard but unanswered'.length } });
  });

  it('a partition discards bytes already queued behind a delay, as a cut link loses what is on it', async () => {
    const { proxy, client, echo } = await setup();
    const c = await client();
    proxy.setDelay(300);
    c.socket.write('in flight');
    await waitUntil('the chunk is queued', () => proxy.stats().queuedBytes === 'in flight'.length);
    proxy.partition('forward');
    expect(proxy.stats()).toMatchObject({ queuedBytes: 0, forward: { bytesDropped: 'in flight'.length } });
    await sleep(400);
    expect(echo.bytesReceived()).toBe(0);
  });

  it('heal resets a connection whose stream lost bytes, so no peer reads a stream with a hole', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    proxy.partition('forward');
    c.socket.write('gap');
    await waitUntil('the bytes were dropped', () => proxy.stats().forward.bytesDropped === 3);
    proxy.heal();
    expect(await c.closed).toMatchObject({ code: 'ECONNRESET' });
    await roundTripMs(await client(), Buffer.from('fresh'));
  });

  it('heal keeps a connection that lost no bytes during a partition', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    proxy.partition('backward');
    proxy.partition('forward');
    proxy.heal();
    await roundTripMs(c, Buffer.from('still here'));
    expect(proxy.stats().connectionsAccepted).toBe(1);
  });

  it('a blackhole swallows bytes both ways on open connections without a reset, and passes on no close', async () => {
    const { proxy, client, echo } = await setup();
    const [talker, leaver] = [await client(), await client()];
    await roundTripMs(talker, Buffer.from('hi'));
    await roundTripMs(leaver, Buffer.from('yo'));
    proxy.blackhole();
    talker.socket.write('into the void');
    leaver.socket.destroy();
    await waitUntil('the bytes were swallowed', () => proxy.stats().forward.bytesDropped === 'into the void'.length);
    await sleep(200);
    // nobody heard anything: no bytes, no FIN, no reset, either way
    expect(echo.bytesReceived()).toBe(4);
    expect(talker.received().length).toBe(2);
    expect(talker.socket.destroyed).toBe(false);
    expect(echo.connectionsOpen()).toBe(2);

    proxy.heal();
    // the streams lost bytes (and one its client): once healed, each is reset rather than resumed with a hole
    expect(await talker.closed).toMatchObject({ code: 'ECONNRESET' });
    await waitUntil('the target saw both connections end', () => echo.connectionsOpen() === 0);
    await roundTripMs(await client(), Buffer.from('back'));
  });

  it('a blackhole accepts new connections and swallows what they send, without reaching the target, until heal', async () => {
    const { proxy, client, echo } = await setup();
    proxy.blackhole();
    const c = await client();
    expect(c.socket.destroyed).toBe(false);
    c.socket.write('anyone?');
    await waitUntil('the bytes were swallowed', () => proxy.stats().forward.bytesDropped === 'anyone?'.length);
    await sleep(200);
    expect(c.received().length).toBe(0);
    expect(c.socket.destroyed).toBe(false);
    expect(echo.connectionsAccepted()).toBe(0);
    expect(proxy.stats()).toMatchObject({ connectionsAccepted: 1, connectionsRefused: 0, connectionsOpen: 1 });

    proxy.heal();
    expect(await c.closed).toMatchObject({ code: 'ECONNRESET' });
    await roundTripMs(await client(), Buffer.from('back'));
    expect(echo.connectionsAccepted()).toBe(1);
  });

  it('a backward blackhole of the open connections lets the target hear the client, loses its answers, and lets new connections through', async () => {
    const { proxy, client, echo } = await setup();
    const open = await client();
    await roundTripMs(open, Buffer.from('hi'));
    proxy.blackhole({ direction: 'backward', scope: 'open' });
    open.socket.write('heard, never answered');
    await waitUntil('the target heard the client', () => echo.bytesReceived() === 2 + 'heard, never answered'.length);
    await sleep(200);
    expect(open.received().length).toBe(2);
    expect(open.socket.destroyed).toBe(false);
    // a new connection is not blackholed
    await roundTripMs(await client(), Buffer.from('fresh'));

    proxy.heal();
    expect(await open.closed).toMatchObject({ code: 'ECONNRESET' });
  });

  it('stop resets blackholed connections too', async () => {
    const { proxy, client } = await setup();
    const before = await client();
    await roundTripMs(before, Buffer.from('hi'));
    proxy.blackhole();
    const during = await client();
    await proxy.stop();
    expect(await before.closed).toMatchObject({ code: 'ECONNRESET' });
    expect(await during.closed).toMatchObject({ code: 'ECONNRESET' });
  });

  it('forwards a FIN after the bytes before it, and closes once both sides ended', async () => {
    const { proxy, client } = await setup();
    const c = await client();
    proxy.setDelay(50);
    c.socket.end('last words');
    await c.waitForBytes('last words'.length);
    await waitUntil('the echo FIN arrived', () => c.ended());
    expect(await c.closed).toBeUndefined();
    await waitUntil('the proxy closed the connection', () => proxy.stats().connectionsOpen === 0);
    expect(proxy.stats().forward.bytesDropped + proxy.stats().backward.bytesDropped).toBe(0);
  });

  it('a connection to an unreachable target is reset and counted', async () => {
    const proxy = new FaultProxy({ name: 'test->nowhere', targetHost: '127.0.0.1', targetPort: await freePort() });
    const port = await proxy.start();
    cleanups.push(() => proxy.stop());
    const c = await connectClient(port);
    expect(await c.closed).toBeInstanceOf(Error);
    expect(proxy.stats()).toMatchObject({ upstreamConnectFailures: 1, connectionsOpen: 0 });
  });

  it('connections past connectionsMax are refused', async () => {
    const { proxy, client } = await setup({ connectionsMax: 2 });
    const [a, b] = await Promise.all([client(), client()]);
    if (a === undefined || b === undefined) throw new Error('two clients');
    await roundTripMs(a, Buffer.from('a'));
    await roundTripMs(b, Buffer.from('b'));
    const third = await client();
    expect(await third.closed).toBeInstanceOf(Error);
    expect(proxy.stats()).toMatchObject({ connectionsRefused: 1, connectionsOpen: 2 });
  });

  it('stop resolves with half-open and idle connections open, and resets them', async () => {
    const { proxy, client } = await setup({}, { endOnEnd: false });
    const halfOpen = await client();
    const idle = await client();
    await roundTripMs(halfOpen, Buffer.from('x'));
    halfOpen.socket.end();
    await sleep(50);
    // liveness, not speed: stop must not wait for the peers to close (the idle one never would);
    // 10 s only bounds a hang, so the failure names it instead of the test timing out
    const stopped = proxy.stop().then(() => 'stopped' as const);
    expect(await Promise.race([stopped, sleep(10_000, 'still waiting for its connections', { ref: false })])).toBe('stopped');
    expect(await halfOpen.closed).toMatchObject({ code: 'ECONNRESET' });
    expect(await idle.closed).toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.stats().connectionsOpen).toBe(0);
    // a second stop is harmless, and the port is free again
    await proxy.stop();
  });

  it('stop during start resolves and leaves nothing listening', async () => {
    const proxy = new FaultProxy({ name: 'test->early-stop', targetHost: '127.0.0.1', targetPort: await freePort() });
    const starting = proxy.start();
    await proxy.stop();
    const port = await starting;
    const c = await connectClient(port);
    expect(await c.closed).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('start fails with FaultProxyListenError when the port is taken', async () => {
    const { port } = await setup();
    const second = new FaultProxy({ name: 'clash', targetHost: '127.0.0.1', targetPort: port, listenPort: port });
    await expect(second.start()).rejects.toMatchObject({ name: 'FaultProxyListenError', listenPort: port });
    await second.stop();
  });

  it('backpressure: 50 MiB through a delay to a slow reader never queues more than queuedBytesMax plus one read', async () => {
    const totalBytes = 50 * 1024 * 1024;
    const sink = await startSlowSink();
    cleanups.push(() => sink.close());
    const proxy = new FaultProxy({ name: 'test->slow', targetHost: '127.0.0.1', targetPort: sink.port });
    const port = await proxy.start();
    cleanups.push(() => proxy.stop());
    proxy.setDelay(20);
    const { queuedBytesMax } = proxy.stats();

    const sender = net.connect({ host: '127.0.0.1', port });
    sender.on('error', () => {});
    cleanups.push(() => {
      sender.destroy();
    });
    const sentHash = createHash('sha256');
    const block = randomBytes(readBytesMax);
    for (let sent = 0; sent < totalBytes; sent += block.length) {
      // vary each block so a reordered or repeated block changes the hash
      block.writeUInt32BE(sent / block.length, 0);
      sentHash.update(block);
      if (!sender.write(Buffer.from(block))) await new Promise((resolve) => sender.once('drain', resolve));
    }
    sender.end();
    const received = await sink.done;

    expect(received).toEqual({ bytes: totalBytes, sha256: sentHash.digest('hex') });
    const stats = proxy.stats();
    expect(stats.forward).toEqual({ bytesReceived: totalBytes, bytesDelivered: totalBytes, bytesDropped: 0 });
    expect(stats.queuedBytesPeak).toBeLessThanOrEqual(queuedBytesMax + readBytesMax);
    // the bound was reached, so the test exercised backpressure and not just a fast reader
    expect(stats.queuedBytesPeak).toBeGreaterThanOrEqual(queuedBytesMax);
    expect(stats.queuedBytes).toBe(0);
  });
});

/** A target that reads 1 MiB, then stops reading for 20 ms: far slower than loopback. */
async function startSlowSink(): Promise<{ port: number; done: Promise<{ bytes: number; sha256: string }>; close(): Promise<void> }> {
  let resolveDone: (value: { bytes: number; sha256: string }) => void = () => {};
  const done = new Promise<{ bytes: number; sha256: string }>((resolve) => {
    resolveDone = resolve;
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    const hash = createHash('sha256');
    let bytes = 0;
    let sinceRest = 0;
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      sinceRest += chunk.length;
      if (sinceRest < 1024 * 1024) return;
      sinceRest = 0;
      socket.pause();
      setTimeout(() => socket.resume(), 20);
    });
    socket.on('end', () => resolveDone({ bytes, sha256: hash.digest('hex') }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('slow sink has no TCP address');
  return {
    port: address.port,
    done,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
