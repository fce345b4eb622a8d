import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../logger/logger.js';
import { metricsRegistry } from './metrics.js';
import { assert } from '../assert/assert.js';
import { splitListenAddress } from '../config/split-listen-address.js';

let processMetricsCollected = false;

/** Adds Node.js's process metrics (CPU, memory, event loop lag, GC, handles) to the registry, once per process. */
export function collectProcessMetrics(): void {
  if (processMetricsCollected) return;
  processMetricsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/**
 * Serves the process's metrics in the Prometheus text format at `GET /metrics` on its own
 * HTTP listener (`--metrics-listen`), apart from the service's port: a scrape never waits
 * behind service traffic, and the port can stay inside the cluster. Anything else is 404.
 */
export class MetricsServer {
  private constructor(
    private readonly server: Server,
    /** The address it listens on, host:port (the port picked when 0 was asked). */
    readonly address: string,
  ) {}

  static async start(listen: string, logger: Logger): Promise<MetricsServer> {
    collectProcessMetrics();
    const parsed = splitListenAddress(listen);
    assert(parsed !== undefined, `${listen} is host:port (checked as a setting)`);
    const { host, port } = parsed;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?', 1)[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at GET /metrics\n');
        return;
      }
      metricsRegistry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metricsRegistry.contentType });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          logger.error({ err }, 'metrics could not be collected');
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const address = typeof bound === 'object' && bound !== null ? `${host.includes(':') ? `[${host}]` : host}:${bound.port}` : listen;
    logger.info({ address: `http://${address}/metrics` }, 'metrics listening');
    return new MetricsServer(server, address);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
