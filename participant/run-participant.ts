import { lifecycleLogger, type Logger } from '../lib/logger/logger.js';
import { startGrpcServer, type GrpcServiceBinding, type RunningGrpcServer } from '../lib/grpc/grpc-server.js';
import { GrpcCoordinatorLink } from './grpc/grpc-coordinator-link.js';
import { RoutingCoordinatorLink } from './grpc/routing-coordinator-link.js';
import { participantService } from './grpc/participant-service.js';
import { adminService } from '../lib/grpc/admin-service.js';
import { ParticipantRuntime } from './participant-runtime.js';
import { registerParticipantMetrics } from './participant-metrics.js';
import { MetricsServer } from '../lib/metrics/metrics-server.js';
import { startTracing } from '../lib/tracing/tracing.js';
import type { ParticipantConfig } from './protocol/branch-state.js';
import type { BranchWork, ResourceManager } from './resource-manager.js';
import type { TransportSecurity } from '../lib/tls/transport-security.js';

export interface RunParticipantOptions {
  readonly rm: ResourceManager;
  /** The resource manager's client-facing services, doing their work through `work`. */
  readonly services: (work: BranchWork) => readonly GrpcServiceBinding[];
  readonly listen: string;
  /** The coordinator, or coordinators on a shared decision log by the ids their tx ids carry (the first the default). */
  readonly coordinators: readonly { readonly id: string | undefined; readonly address: string }[];
  readonly logger: Logger;
  readonly config?: Partial<ParticipantConfig>;
  /** Serve twophase.v1.Admin. */
  readonly admin?: boolean;
  /** Serve Prometheus metrics at http://<this>/metrics. */
  readonly metricsListen?: string;
  /** Mutual TLS on its server and its link to the coordinator, with the access policy; plaintext without. */
  readonly security?: TransportSecurity | undefined;
}

export interface RunningParticipant {
  readonly runtime: ParticipantRuntime;
  readonly grpc: RunningGrpcServer;
  stop(): Promise<void>;
}

/**
 * Binds the gRPC server (NOT_SERVING, every call UNAVAILABLE), recovers the resource
 * manager (prepared branches start asking the coordinator at once), then serves the
 * Participant service and the resource manager's own services.
 */
export async function runParticipant(options: RunParticipantOptions): Promise<RunningParticipant> {
  const stopTracing = await startTracing(options.rm.participantId);
  const runtime = new ParticipantRuntime({
    rm: options.rm,
    coordinator:
      options.coordinators.length === 1
        ? new GrpcCoordinatorLink(options.coordinators[0]!.address, options.security?.tls)
        : new RoutingCoordinatorLink(options.coordinators.map(({ id, address }) => ({ id: id ?? '', link: new GrpcCoordinatorLink(address, options.security?.tls) }))),
    logger: options.logger,
    ...(options.config === undefined ? {} : { config: options.config }),
  });
  const services = [participantService(runtime, options.logger), ...options.services(runtime)];
  if (options.admin === true) {
    const stats = (): Record<string, number> => ({ branches: runtime.branchCount(), in_doubt: runtime.inDoubtCount(), oldest_in_doubt_ms: runtime.oldestInDoubtMs() });
    services.push(adminService(stats, options.logger));
  }
  // bound first, NOT_SERVING while the resource manager recovers
  const grpc = await startGrpcServer(options.listen, services, options.logger, options.security, { recovering: true });
  try {
    await runtime.start();
  } catch (err) {
    await grpc.shutdown(0);
    throw err;
  }
  const unregister = registerParticipantMetrics(runtime);
  const metrics = options.metricsListen === undefined ? undefined : await MetricsServer.start(options.metricsListen, options.logger);
  grpc.serving();
  let stopping: Promise<void> | undefined;
  return {
    runtime,
    grpc,
    stop() {
      stopping ??= (async () => {
        await grpc.shutdown();
        await runtime.stop();
        await metrics?.stop();
        unregister();
        await stopTracing();
        lifecycleLogger(options.logger).info('participant stopped');
      })();
      return stopping;
    },
  };
}
