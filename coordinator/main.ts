import { mkdir } from 'node:fs/promises';
import { createLogger, lifecycleLogger } from '../lib/logger/logger.js';
import { lockDir } from '../lib/dir-lock/dir-lock.js';
import { startGrpcServer, type RunningGrpcServer } from '../lib/grpc/grpc-server.js';
import { FileDecisionLog } from './log/file-decision-log.js';
import { PostgresDecisionLog } from './log/postgres-decision-log.js';
import { newTxIdOf } from '../lib/tx-id/tx-id.js';
import { coordinatorConfig } from './protocol/coordinator-config.js';
import { CoordinatorRuntime } from './coordinator-runtime.js';
import { GrpcParticipantConnector } from './grpc/grpc-participant-connector.js';
import { coordinatorService } from './grpc/coordinator-service.js';
import { adminService } from '../lib/grpc/admin-service.js';
import { MetricsServer } from '../lib/metrics/metrics-server.js';
import { startTracing } from '../lib/tracing/tracing.js';
import { registerCoordinatorMetrics } from './coordinator-metrics.js';
import type { CoordinatorSettings } from './coordinator-settings.js';
import { join } from 'node:path';
import type { TransportSecurity } from '../lib/tls/transport-security.js';

export interface RunningCoordinator {
  readonly runtime: CoordinatorRuntime;
  readonly grpc: RunningGrpcServer;
  /** Graceful stop: refuse new calls, drain, flush the log, release the data dir. */
  stop(): Promise<void>;
}

/**
 * Wires settings → decision log, participant connections, runtime, gRPC server. The
 * server is bound first and answers NOT_SERVING (every call UNAVAILABLE) while the log is
 * replayed, so GetOutcome answers from the first call it serves; the re-driven commits
 * are sent only once it serves, and then in the background.
 */
export async function runCoordinator(settings: CoordinatorSettings, security?: TransportSecurity): Promise<RunningCoordinator> {
  const logger = createLogger('coordinator', settings.logLevel);
  const stopTracing = await startTracing('coordinator');
  await mkdir(settings.dataDir, { recursive: true });
  const lock = await lockDir(settings.dataDir);
  const log =
    settings.decisionLog === 'file'
      ? new FileDecisionLog({ dir: join(settings.dataDir, 'log'), logger })
      : new PostgresDecisionLog({ databaseUrl: settings.decisionLog, coordinatorId: settings.coordinatorId, logger });
  const connector = new GrpcParticipantConnector({
    participants: settings.participant,
    phase2CallTimeoutMs: settings.phase2CallTimeoutMs,
    tls: security?.tls,
  });
  const runtime = new CoordinatorRuntime({
    config: coordinatorConfig({
      knownParticipants: [...settings.participant.keys()],
      txTimeoutMsDefault: settings.txTimeoutMs,
      prepareTimeoutMs: settings.prepareTimeoutMs,
      phase2WaitMs: settings.phase2WaitMs,
      lastResource: settings.lastResource,
      sharedLog: settings.decisionLog !== 'file',
    }),
    log,
    connector,
    logger,
    // on a shared log, each tx id names its coordinator: participants then ask it first
    ...(settings.decisionLog === 'file' ? {} : { newTxId: () => newTxIdOf(settings.coordinatorId) }),
  });
  const services = [coordinatorService(runtime, logger, settings.metadataShards ?? [])];
  if (settings.admin) {
    const stats = (): Record<string, number> => {
      const { live, commits, aborts } = runtime.stats();
      return { live_txs: live, commits, aborts };
    };
    services.push(adminService(stats, logger, () => runtime.transactions()));
  }
  // bound first, NOT_SERVING while the log replays: a prober sees the process up and not ready
  const grpc = await startGrpcServer(settings.listen, services, logger, security, { recovering: true });
  try {
    await runtime.start({ holdPhase2: true });
  } catch (err) {
    await grpc.shutdown(0);
    throw err;
  }
  logger.info(
    settings.commitMode === 'last-resource' ? { commitMode: settings.commitMode, lastResource: settings.lastResource } : { commitMode: settings.commitMode },
    settings.commitMode === 'last-resource' ? `commit mode last-resource: ${settings.lastResource} commits one-phase, its COMMIT the commit point` : 'commit mode two-phase',
  );
  const unregister = registerCoordinatorMetrics(runtime);
  const metrics = settings.metricsListen === undefined ? undefined : await MetricsServer.start(settings.metricsListen, logger);
  grpc.serving();
  runtime.releasePhase2();
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
        await lock.release();
        lifecycleLogger(logger).info('coordinator stopped');
      })();
      return stopping;
    },
  };
}
