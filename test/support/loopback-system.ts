import * as grpc from '@grpc/grpc-js';
import { CoordinatorRuntime } from '../../coordinator/coordinator-runtime.js';
import { coordinatorService } from '../../coordinator/grpc/coordinator-service.js';
import { GrpcParticipantConnector } from '../../coordinator/grpc/grpc-participant-connector.js';
import { coordinatorConfig } from '../../coordinator/protocol/coordinator-config.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { startGrpcServer, type GrpcServiceBinding, type RunningGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { GrpcCoordinatorLink } from '../../participant/grpc/grpc-coordinator-link.js';
import { participantService } from '../../participant/grpc/participant-service.js';
import { ParticipantRuntime } from '../../participant/participant-runtime.js';
import type { ResourceManager } from '../../participant/resource-manager.js';
import { TwoPhaseClient } from '../../sdk/index.js';
import { discardingDecisionLog } from './discarding-decision-log.js';
import { TestCoordinatorClient } from './coordinator-client.js';

export interface LoopbackOptions {
  /** One participant per resource manager, each the real runtime behind the real Participant service. */
  readonly rms: readonly ResourceManager[];
  /** The coordinator's `lastResource`; '' (the default) is full two-phase commit. */
  readonly lastResource?: string;
  /** Participants served without Participant.Link, so the coordinator falls back to the unary methods. */
  readonly withoutLink?: readonly string[];
}

/**
 * A coordinator and participants in this process, talking real gRPC over loopback: the
 * coordinator's runtime, service and GrpcParticipantConnector; each participant's
 * ParticipantRuntime, Participant service and GrpcCoordinatorLink. Only the resource
 * managers (given by the test) and the decision log (discarding) are not the shipped ones.
 */
export class LoopbackSystem {
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private sdkClient: TwoPhaseClient | undefined;

  private constructor(
    readonly coordinatorAddress: string,
    readonly connector: GrpcParticipantConnector,
    readonly client: TestCoordinatorClient,
    readonly runtimes: ReadonlyMap<string, ParticipantRuntime>,
    readonly participantAddresses: ReadonlyMap<string, string>,
  ) {}

  static async start(options: LoopbackOptions): Promise<LoopbackSystem> {
    const cleanups: (() => Promise<void> | void)[] = [];
    // the participants enlist with the coordinator, and the coordinator calls them: one address is chosen first
    const coordinatorAddress = `127.0.0.1:${await freePort()}`;
    const runtimes = new Map<string, ParticipantRuntime>();
    const addresses = new Map<string, string>();
    for (const rm of options.rms) {
      const runtime = new ParticipantRuntime({ rm, coordinator: new GrpcCoordinatorLink(coordinatorAddress), logger: silentLogger() });
      await runtime.start();
      const service = participantService(runtime, silentLogger());
      const server = await startGrpcServer('127.0.0.1:0', [options.withoutLink?.includes(rm.participantId) === true ? withoutLink(service) : service], silentLogger());
      cleanups.push(() => runtime.stop(), () => server.shutdown(0));
      runtimes.set(rm.participantId, runtime);
      addresses.set(rm.participantId, `127.0.0.1:${server.port}`);
    }
    const connector = new GrpcParticipantConnector({ participants: addresses, phase2CallTimeoutMs: 2_000 });
    const coordinator = new CoordinatorRuntime({
      config: coordinatorConfig({ knownParticipants: [...addresses.keys()], lastResource: options.lastResource ?? '' }),
      log: discardingDecisionLog,
      connector,
      logger: silentLogger(),
    });
    await coordinator.start();
    const server: RunningGrpcServer = await startGrpcServer(coordinatorAddress, [coordinatorService(coordinator, silentLogger())], silentLogger());
    const client = new TestCoordinatorClient(coordinatorAddress);
    // stopped in reverse: the client, the coordinator (its connector too), then the participants
    cleanups.push(() => coordinator.stop(0), () => server.shutdown(0), () => client.close());
    const system = new LoopbackSystem(coordinatorAddress, connector, client, runtimes, addresses);
    system.cleanups.push(...cleanups);
    return system;
  }

  /** The runtime of participant `id`, whose `run` does a tx's work there (enlisting over gRPC first). */
  runtime(id: string): ParticipantRuntime {
    const runtime = this.runtimes.get(id);
    if (runtime === undefined) throw new Error(`no participant ${id} in this system`);
    return runtime;
  }

  /** Begins a tx through the test client and enlists each of `participantIds` by doing (empty) work there. */
  async beginWith(participantIds: readonly string[]): Promise<string> {
    const { txId } = await this.client.begin();
    for (const id of participantIds) await this.runtime(id).run(txId, async () => undefined);
    return txId;
  }

  /** The SDK, reaching this coordinator. */
  sdk(): TwoPhaseClient {
    this.sdkClient ??= new TwoPhaseClient({
      coordinator: this.coordinatorAddress,
      participants: { blob: this.participantAddresses.get('blob') ?? '127.0.0.1:1', metadata: this.participantAddresses.get('metadata') ?? '127.0.0.1:1' },
    });
    return this.sdkClient;
  }

  async stop(): Promise<void> {
    this.sdkClient?.close();
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
  }
}

/** A Participant service as a participant that serves no Link stream would have it. */
function withoutLink(service: GrpcServiceBinding): GrpcServiceBinding {
  const implementation: grpc.UntypedServiceImplementation = {
    ...service.implementation,
    Link: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'this participant serves no Link' }),
  };
  return { ...service, implementation };
}
