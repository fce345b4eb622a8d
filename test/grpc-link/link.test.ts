import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceError } from '../../lib/grpc/service-error.js';
import { LinkClient, type LinkStream } from '../../lib/grpc-link/link-client.js';
import { linkHandler, type LinkMethod } from '../../lib/grpc-link/link-server.js';
import { loadProto } from '../../proto/load-proto.js';
import type { ParticipantClient } from '../../proto/gen/twophase/v1/Participant.js';

const servers: grpc.Server[] = [];
const clients: { close(): void }[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) s.forceShutdown();
});

/** A Participant server whose Link runs `methods`, and whose unary Prepare answers `unaryVote` (when given). */
async function serve(methods: Record<string, LinkMethod> | undefined, unaryReason?: string): Promise<{ client: ParticipantClient; close: () => void }> {
  const server = new grpc.Server();
  const link = methods === undefined ? undefined : linkHandler(methods, () => undefined);
  const implementation: grpc.UntypedServiceImplementation = {
    Prepare: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { vote: 'VOTE_NO', reason: unaryReason ?? 'unary' }),
    ...(link === undefined ? {} : { Link: link.handle }),
  };
  server.addService(loadProto().twophase.v1.Participant.service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  servers.push(server);
  const client = new (loadProto().twophase.v1.Participant)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  clients.push(client);
  return { client, close: () => link?.close() };
}

function linkTo(client: ParticipantClient): LinkClient {
  const link = new LinkClient(
    () => client.Link() as unknown as LinkStream,
    (kind, request, deadline) =>
      new Promise((resolve, reject) => {
        if (kind !== 'prepare') return reject(new Error(`no fallback for ${kind}`));
        client.Prepare(request as { txId: string }, { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
      }),
  );
  clients.push(link);
  return link;
}

const soon = (ms = 5_000): Date => new Date(Date.now() + ms);

describe('Link: unary calls multiplexed on one stream', () => {
  it('answers each call with its own result, in whatever order the methods finish', async () => {
    const { client } = await serve({
      prepare: (async (req: { txId: string }) => {
        await new Promise((r) => setTimeout(r, req.txId === 'slow' ? 100 : 1));
        return { vote: 'VOTE_YES', reason: req.txId };
      }) as LinkMethod,
    });
    const link = linkTo(client);
    const finished: string[] = [];
    const calls = ['slow', 'a', 'b'].map((txId) =>
      link.call<{ reason: string }>('prepare', { txId }, soon()).then((r) => {
        finished.push(r.reason);
        return r.reason;
      }),
    );
    expect(await Promise.all(calls)).toEqual(['slow', 'a', 'b']);
    expect(finished.at(-1)).toBe('slow');
  });

  it('calls made in one turn of the event loop travel in one stream message each way, answers ready together too', async () => {
    const server = new grpc.Server();
    const link = linkHandler({ prepare: (async (req: { txId: string }) => ({ vote: 'VOTE_YES', reason: req.txId })) as LinkMethod }, () => undefined);
    const received: number[] = [];
    const sent: number[] = [];
    server.addService(loadProto().twophase.v1.Participant.service, {
      Link: (call: grpc.ServerDuplexStream<{ calls: unknown[] }, { answers: unknown[] }>) => {
        call.on('data', (m: { calls: unknown[] }) => received.push(m.calls.length));
        const write = call.write.bind(call);
        call.write = ((m: { answers: unknown[] }) => {
          sent.push(m.answers.length);
          return write(m);
        }) as typeof call.write;
        link.handle(call as never);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    servers.push(server);
    const client = new (loadProto().twophase.v1.Participant)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    clients.push(client);
    const links = linkTo(client);

    const ids = Array.from({ length: 600 }, (_, i) => `tx${i}`);
    const answers = await Promise.all(ids.map((txId) => links.call<{ reason: string }>('prepare', { txId }, soon())));
    expect(answers.map((a) => a.reason)).toEqual(ids);
    // 600 calls: two messages of at most 512 calls, and as few answer messages
    expect(received).toEqual([512, 88]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(600);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(Math.max(...sent)).toBeLessThanOrEqual(512);
  });

  it('a method that throws a status error fails its call with that code; an unknown failure is INTERNAL', async () => {
    const { client } = await serve({
      prepare: (async (req: { txId: string }) => {
        if (req.txId === 'refused') throw serviceError('FAILED_PRECONDITION', 'no longer active');
        throw new Error('a bug');
      }) as LinkMethod,
    });
    const link = linkTo(client);
    await expect(link.call('prepare', { txId: 'refused' }, soon())).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: 'no longer active' });
    await expect(link.call('prepare', { txId: 'x' }, soon())).rejects.toMatchObject({ code: grpc.status.INTERNAL, details: 'a bug' });
  });

  it('a call past its deadline fails with DEADLINE_EXCEEDED, and its late answer is dropped', async () => {
    const { client } = await serve({
      prepare: (async (req: { txId: string }) => {
        if (req.txId === 'hang') await new Promise((r) => setTimeout(r, 300));
        return { vote: 'VOTE_YES', reason: req.txId };
      }) as LinkMethod,
    });
    const link = linkTo(client);
    await expect(link.call('prepare', { txId: 'hang' }, soon(50))).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    await new Promise((r) => setTimeout(r, 350));
    expect(await link.call<{ reason: string }>('prepare', { txId: 'next' }, soon())).toMatchObject({ reason: 'next' });
  });

  it('a server without the Link method is called unary, the calls already sent included', async () => {
    const { client } = await serve(undefined, 'answered unary');
    const link = linkTo(client);
    const answers = await Promise.all([1, 2].map((n) => link.call<{ reason: string }>('prepare', { txId: `t${n}` }, soon())));
    expect(answers.map((a) => a.reason)).toEqual(['answered unary', 'answered unary']);
  });

  it('calls in flight when the server ends the stream fail with UNAVAILABLE; the next call opens a new stream', async () => {
    let calls = 0;
    const { client, close } = await serve({
      prepare: (async () => {
        calls += 1;
        if (calls === 1) await new Promise((r) => setTimeout(r, 10_000));
        return { vote: 'VOTE_YES', reason: `call ${calls}` };
      }) as LinkMethod,
    });
    const link = linkTo(client);
    const inFlight = link.call('prepare', { txId: 'a' }, soon(20_000));
    await new Promise((r) => setTimeout(r, 100));
    close();
    await expect(inFlight).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await link.call<{ reason: string }>('prepare', { txId: 'b' }, soon())).toMatchObject({ reason: 'call 2' });
  });
});
