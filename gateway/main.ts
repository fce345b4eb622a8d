import { createLogger, lifecycleLogger } from '../lib/logger/logger.js';
import { TwoPhaseClient } from '../sdk/index.js';
import { buildGateway } from './build-gateway.js';
import { assert } from '../lib/assert/assert.js';
import { splitListenAddress } from '../lib/config/split-listen-address.js';
import { MetricsServer } from '../lib/metrics/metrics-server.js';
import { startTracing } from '../lib/tracing/tracing.js';
import type { GatewaySettings } from './gateway-settings.js';
import { loadTlsMaterial } from '../lib/tls/tls-material.js';
import { UserAuth } from './user-auth.js';

export interface RunningGateway {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the HTTP gateway; participants are discovered from the coordinator on the first request. */
export async function runGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const logger = createLogger('gateway', settings.logLevel);
  const tls = await loadTlsMaterial(settings);
  const auth = await UserAuth.create(settings);
  const stopTracing = await startTracing('gateway');
  const [first, ...more] = settings.coordinator;
  const coordinators = first!.id === undefined && more.length === 0 ? { coordinator: first!.address } : { coordinators: settings.coordinator.map(({ id, address }) => ({ id: id ?? '', address })) };
  const client = new TwoPhaseClient({ ...coordinators, callTimeoutMs: settings.callTimeoutMs, ...(tls === undefined ? {} : { tls }) });
  const app = buildGateway({
    client,
    logger,
    maxUploadBytes: settings.maxUploadBytes,
    auth,
    headersTimeoutMs: settings.headersTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    connectionsPerClient: settings.connectionsPerClient,
    ...(tls === undefined ? {} : { https: { cert: tls.cert, key: tls.key } }) });
  if (auth.mode === 'none') logger.warn('--auth none: the gateway checks no token, and anyone reaching its port may read and write every namespace');
  const metrics = settings.metricsListen === undefined ? undefined : await MetricsServer.start(settings.metricsListen, logger);
  const listen = splitListenAddress(settings.listen);
  assert(listen !== undefined, `${settings.listen} is host:port (checked as a setting)`);
  await app.listen(listen);
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  // the line a supervisor waits for: printed at every log level but silent
  lifecycleLogger(logger).info({ listen: settings.listen, port, https: tls !== undefined, auth: auth.mode }, 'HTTP gateway listening');
  return {
    port,
    async stop() {
      await app.close();
      client.close();
      await metrics?.stop();
      await stopTracing();
    },
  };
}
