import * as http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGrpcServer, type RunningGrpcServer } from '../../lib/grpc/grpc-server.js';
import { limits } from '../../lib/limits/limits.js';
import { silentLogger } from '../../lib/logger/logger.js';

let running: RunningGrpcServer;
/** HTTP/2's initial window (RFC 9113), which Node keeps unless told otherwise. */
const defaultWindow = 65_535;

beforeAll(async () => {
  running = await startGrpcServer('127.0.0.1:0', [], silentLogger());
});

afterAll(async () => {
  await running?.shutdown(100);
});

/**
 * What a server offers a new HTTP/2 session: its stream window (a SETTINGS frame after the
 * first one) and its connection window (a WINDOW_UPDATE), once both have arrived.
 */
async function offered(port: number): Promise<{ streamWindow: number; connectionWindow: number }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  try {
    for (;;) {
      const streamWindow = session.remoteSettings?.initialWindowSize ?? 0;
      const connectionWindow = session.state.remoteWindowSize ?? 0;
      if (streamWindow > defaultWindow && connectionWindow > defaultWindow) return { streamWindow, connectionWindow };
      await sleep(10);
    }
  } finally {
    session.close();
  }
}

describe('gRPC server receive windows', () => {
  it('a new session is offered the wide stream window and connection window, not HTTP/2\'s 64 KiB', async () => {
    const { streamWindow, connectionWindow } = await offered(running.port);
    expect(streamWindow).toBe(limits.grpcStreamWindowBytes);
    expect(connectionWindow).toBe(limits.grpcConnectionWindowBytes);
  });
});
