import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startGrpcServer, type RunningGrpcServer } from '../../lib/grpc/grpc-server.js';
import { adminService } from '../../lib/grpc/admin-service.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { loadProto } from '../../proto/load-proto.js';

let server: RunningGrpcServer | undefined;
afterEach(async () => {
  await server?.shutdown(0);
  server = undefined;
});

/** grpc.health.v1.Health/Check, raw: the request is field 1 (the service name), the answer field 1 (1 SERVING, 2 NOT_SERVING). */
const health = (port: number, service = ''): Promise<string> =>
  new Promise((resolve, reject) => {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const name = Buffer.from(service);
    const request = service === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, name.length]), name]);
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b, request, (err, reply) => {
      client.close();
      if (err !== null || reply === undefined) reject(err ?? new Error('no answer'));
      else resolve(({ 1: 'SERVING', 2: 'NOT_SERVING' } as Record<number, string>)[reply[1] ?? 0] ?? `status ${reply[1]}`);
    });
  });

const getStats = (port: number): Promise<number> =>
  new Promise((resolve) => {
    const client = new (loadProto().twophase.v1.Admin)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    client.GetStats({}, { deadline: new Date(Date.now() + 5_000) }, (err) => {
      client.close();
      resolve(err === null ? grpc.status.OK : err.code);
    });
  });

/** A Link stream's status: the server-side handler would end it at once with OK. */
const linkStatus = (port: number): Promise<number> =>
  new Promise((resolve) => {
    const client = new (loadProto().twophase.v1.Coordinator)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = client.Link({ deadline: new Date(Date.now() + 5_000) });
    call.on('data', () => undefined);
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => {
      client.close();
      resolve(status.code);
    });
    call.end();
  });

describe('a gRPC server started while its process recovers', () => {
  it('answers health NOT_SERVING and every call UNAVAILABLE until serving(), then SERVING and the calls', async () => {
    const coordinator = loadProto().twophase.v1.Coordinator.service;
    server = await startGrpcServer(
      '127.0.0.1:0',
      [
        adminService(() => ({ things: 1 }), silentLogger()),
        { name: 'twophase.v1.Coordinator', definition: coordinator, implementation: { Link: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end() } as unknown as grpc.UntypedServiceImplementation },
      ],
      silentLogger(),
      undefined,
      { recovering: true },
    );
    expect(await health(server.port)).toBe('NOT_SERVING');
    expect(await health(server.port, 'twophase.v1.Admin')).toBe('NOT_SERVING');
    expect(await getStats(server.port)).toBe(grpc.status.UNAVAILABLE);
    expect(await linkStatus(server.port)).toBe(grpc.status.UNAVAILABLE);

    server.serving();
    expect(await health(server.port)).toBe('SERVING');
    expect(await health(server.port, 'twophase.v1.Admin')).toBe('SERVING');
    expect(await getStats(server.port)).toBe(grpc.status.OK);
    expect(await linkStatus(server.port)).toBe(grpc.status.OK);
  });
});
