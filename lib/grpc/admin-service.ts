import type * as grpc from '@grpc/grpc-js';
import { armFailpoints, disarmAll, FailpointSpecError, listFailpoints, parseFailpointSpec, UnsafeFailpointError } from '../failpoints/failpoints.js';
import { countersSnapshot } from '../metrics/metrics.js';
import type { Logger } from '../logger/logger.js';
import { loadProto } from '../../proto/load-proto.js';
import type { AdminHandlers } from '../../proto/gen/twophase/v1/Admin.js';
import type { GrpcServiceBinding } from './grpc-server.js';
import { serviceError, unaryHandler } from './service-error.js';

/**
 * twophase.v1.Admin: failpoints armed at run time (for fault-injection runs against a
 * live deployment) and the process's counters (its own, and those of lib/metrics). Served only with --admin.
 */
/** An unfinished tx as the coordinator lists it (Admin.ListTransactions). */
export interface AdminTransaction {
  readonly txId: string;
  readonly state: string;
  readonly sinceMs: number;
  readonly participants: readonly string[];
  readonly pending: readonly string[];
}

export function adminService(stats: () => Record<string, number>, logger: Logger, transactions?: () => readonly AdminTransaction[]): GrpcServiceBinding {
  const onUnexpected = (err: unknown): void => logger.error({ err }, 'admin call failed unexpectedly');
  const handlers: AdminHandlers = {
    ListFailpoints: unaryHandler(async () => ({ failpoints: listFailpoints().map((f) => ({ ...f })) }), onUnexpected),
    ArmFailpoints: unaryHandler(async (req) => {
      let specs;
      try {
        specs = parseFailpointSpec(req.spec);
      } catch (err) {
        if (err instanceof FailpointSpecError) throw serviceError('INVALID_ARGUMENT', err.message);
        throw err;
      }
      const defined = new Set(listFailpoints().map((f) => f.name));
      const unknown = specs.filter((s) => !defined.has(s.name)).map((s) => s.name);
      if (unknown.length > 0) throw serviceError('INVALID_ARGUMENT', `this process defines no failpoint ${unknown.join(', ')}`);
      let armed;
      try {
        armed = armFailpoints(req.spec);
      } catch (err) {
        // the process was not started with --unsafe-failpoints: refused, nothing armed
        if (err instanceof UnsafeFailpointError) throw serviceError('FAILED_PRECONDITION', err.message);
        throw err;
      }
      logger.warn({ spec: req.spec }, 'failpoints armed through the admin service');
      return { names: armed.map((s) => s.name) };
    }, onUnexpected),
    DisarmFailpoints: unaryHandler(async () => {
      disarmAll();
      logger.info('failpoints disarmed through the admin service');
      return {};
    }, onUnexpected),
    GetStats: unaryHandler(async () => ({ stats: { ...(await countersSnapshot()), ...stats() } }), onUnexpected),
    ListTransactions: unaryHandler(async () => {
      if (transactions === undefined) throw serviceError('UNIMPLEMENTED', 'only the coordinator lists transactions');
      return {
        transactions: transactions().map((tx) => ({ txId: tx.txId, state: tx.state, sinceUnixMs: String(tx.sinceMs), participants: [...tx.participants], pending: [...tx.pending] })),
      };
    }, onUnexpected),
  };
  return {
    name: 'twophase.v1.Admin',
    definition: loadProto().twophase.v1.Admin.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
  };
}
