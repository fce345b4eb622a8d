import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { AdminClient } from '../proto/gen/twophase/v1/Admin.js';

/** The gRPC processes of `twophase dev` whose counters the bench reads (each started with --admin). */
export const counterProcesses = ['coordinator', 'blob', 'metadata'] as const;
export type CounterProcess = (typeof counterProcesses)[number];

export type CountersByProcess = Record<CounterProcess, Record<string, number>>;

/** Reads every process's counters through its Admin service (GetStats). */
export class ProcessCounters {
  private readonly admins: Record<CounterProcess, AdminClient>;

  constructor(addresses: Record<CounterProcess, string>) {
    const { Admin } = loadProto().twophase.v1;
    const client = (address: string): AdminClient => new Admin(address, grpc.credentials.createInsecure());
    this.admins = { coordinator: client(addresses.coordinator), blob: client(addresses.blob), metadata: client(addresses.metadata) };
  }

  async read(): Promise<CountersByProcess> {
    const entries = await Promise.all(
      counterProcesses.map(
        (name) =>
          new Promise<[CounterProcess, Record<string, number>]>((resolve, reject) =>
            this.admins[name].GetStats({}, { deadline: new Date(Date.now() + 5_000) }, (err, res) =>
              err || res === undefined ? reject(new Error(`GetStats of ${name}: ${err?.message ?? 'no answer'}`)) : resolve([name, res.stats ?? {}]),
            ),
          ),
      ),
    );
    return Object.fromEntries(entries) as CountersByProcess;
  }

  close(): void {
    for (const name of counterProcesses) this.admins[name].close();
  }

  /**
   * What each process counted between two reads, per upload: only the work counters
   * (calls, fsyncs, SQL round trips), not gauges such as live txs.
   */
  static perUpload(from: CountersByProcess, to: CountersByProcess, uploads: number): Record<CounterProcess, Record<string, number>> {
    const out = {} as Record<CounterProcess, Record<string, number>>;
    for (const name of counterProcesses) {
      out[name] = {};
      for (const [key, value] of Object.entries(to[name])) {
        if (!key.startsWith('twophase_') || !key.includes('_total')) continue;
        const delta = value - (from[name][key] ?? 0);
        if (delta > 0 && uploads > 0) out[name][key] = delta / uploads;
      }
    }
    return out;
  }
}
