import { performance } from 'node:perf_hooks';
import type * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { lifecycleLogger, type Logger } from '../logger/logger.js';
import { callName, observeServedCall, rpcServed } from '../metrics/metrics.js';
import { limits } from '../limits/limits.js';
import { serviceError } from './service-error.js';
import type { TransportSecurity } from '../tls/transport-security.js';
import { serverCredentials } from '../tls/transport-credentials.js';
import { authorizationInterceptor } from '../tls/authorization-interceptor.js';
import { tolerantDefinition, undecodableRequestInterceptor } from './undecodable-request.js';

export interface GrpcServiceBinding {
  /** Fully qualified service name, e.g. `twophase.v1.Coordinator`, for health checking. */
  readonly name: string;
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
  /** Called when the server starts shutting down: ends long-lived streams, which would hold the drain. */
  readonly onShutdown?: () => void;
}

export interface RunningGrpcServer {
  readonly server: grpc.Server;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly health: HealthImplementation;
  /**
   * For a server started `recovering`: from now on every call is served, health says
   * SERVING, and the lifecycle line supervisors wait for ("gRPC server listening") is
   * printed. Once only; a no-op for a server started serving.
   */
  serving(): void;
  /** Marks every service NOT_SERVING, drains calls for at most `graceMs`, then forces. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Options shared by every twophase server: bounded messages, keepalive to find dead peers. */
export const serverOptions: grpc.ServerOptions = {
  'grpc.max_receive_message_length': limits.grpcMessageBytesMax,
  'grpc.keepalive_time_ms': limits.grpcKeepaliveIntervalMs,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': limits.grpcPingIntervalMsMin,
};

/**
 * Starts a gRPC server with the given services plus grpc.health.v1 (all SERVING):
 * plaintext, or with `security` mutual TLS where every call is authorized by its caller's
 * certificate (authorization-interceptor.ts).
 */
export async function startGrpcServer(
  listen: string,
  services: readonly GrpcServiceBinding[],
  logger: Logger,
  security?: TransportSecurity,
  options: {
    /**
     * Listen now, but answer every call UNAVAILABLE and health NOT_SERVING until `serving()`:
     * while the process recovers, a prober sees it up and not ready, and a client's channel
     * is connected by the time it can take work.
     */
    readonly recovering?: boolean;
  } = {},
): Promise<RunningGrpcServer> {
  const policy = security?.policy;
  // a malformed message is refused first, before authorization reads it
  const interceptors = [undecodableRequestInterceptor, ...(policy === undefined ? [] : [authorizationInterceptor(policy, logger)])];
  const server = new grpc.Server({ ...serverOptions, interceptors });
  const gate = { open: options.recovering !== true };
  const initial = gate.open ? 'SERVING' : 'NOT_SERVING';
  const health = new HealthImplementation({ '': initial });
  for (const s of services) {
    server.addService(tolerantDefinition(s.definition), counted(s.definition, s.implementation, gate));
    health.setStatus(s.name, initial);
  }
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, serverCredentials(security?.tls), (err, boundPort) => {
      if (err) return reject(err);
      widenReceiveWindows(server, logger);
      resolve(boundPort);
    });
  });
  // the line a supervisor waits for: printed at every log level but silent, once the server takes work
  const announce = (): void => lifecycleLogger(logger).info({ listen, port, tls: security !== undefined, services: services.map((s) => s.name) }, 'gRPC server listening');
  if (gate.open) announce();
  else logger.info({ listen, port }, 'gRPC server bound: NOT_SERVING until recovered');
  let stopping = false;
  return {
    server,
    port,
    health,
    serving() {
      if (gate.open || stopping) return;
      gate.open = true;
      health.setStatus('', 'SERVING');
      for (const s of services) health.setStatus(s.name, 'SERVING');
      announce();
    },
    async shutdown(graceMs = limits.grpcShutdownGraceMs) {
      stopping = true;
      health.setStatus('', 'NOT_SERVING');
      for (const s of services) health.setStatus(s.name, 'NOT_SERVING');
      for (const s of services) s.onShutdown?.();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

/**
 * The same handlers, each counting its calls in `twophase_rpc_served_total`; while the gate
 * is shut (the process recovering), each call is answered UNAVAILABLE without running.
 */
function counted(definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation, gate: { readonly open: boolean }): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name]?.path ?? name;
    const served = rpcServed.labels(method);
    const call = callName(name);
    // a Link is counted call by call (linkHandler); a server stream is counted, not timed
    const timed = definition[name]?.responseStream === false && name !== 'Link';
    const answersByCallback = definition[name]?.responseStream === false;
    out[name] = ((...args: unknown[]) => {
      if (!gate.open) {
        const recovering = serviceError('UNAVAILABLE', 'the server is recovering; try again shortly');
        if (answersByCallback) (args[1] as (err: grpc.ServiceError) => void)(recovering);
        else (args[0] as { emit(event: 'error', err: grpc.ServiceError): void }).emit('error', recovering);
        return;
      }
      served.inc();
      if (timed && typeof args[1] === 'function') {
        const startedMs = performance.now();
        const callback = args[1] as (err: { code?: number } | null, ...rest: unknown[]) => void;
        args[1] = (err: { code?: number } | null, ...rest: unknown[]) => {
          observeServedCall(call, startedMs, err === null || err === undefined ? undefined : (err.code ?? grpc.status.UNKNOWN));
          callback(err, ...rest);
        };
      }
      return (handler as (...a: unknown[]) => unknown)(...args);
    }) as grpc.UntypedHandleCall;
  }
  return out;
}

/**
 * grpc-js (1.14) leaves a server's HTTP/2 receive windows at Node's 64 KiB, with no option
 * to raise them: a client streaming to us (a Put) may then send 64 KiB per round trip of
 * window updates, which held a streamed upload to about a third of what it reaches with
 * `limits.grpcStreamWindowBytes`. Every new session advertises that stream window and opens
 * its connection window to `limits.grpcConnectionWindowBytes`. It reaches the HTTP/2
 * servers through a field grpc-js does not export; a version without it keeps the default
 * windows, and says so once.
 */
function widenReceiveWindows(server: grpc.Server, logger: Logger): void {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) {
    logger.warn('this @grpc/grpc-js keeps its HTTP/2 servers out of reach: receive windows stay at 64 KiB, and streamed uploads are slower');
    return;
  }
  for (const http2Server of servers.keys() as IterableIterator<http2.Http2Server>) {
    http2Server.on('session', (session: http2.ServerHttp2Session) => {
      session.settings({ initialWindowSize: limits.grpcStreamWindowBytes });
      session.setLocalWindowSize(limits.grpcConnectionWindowBytes);
    });
  }
}
