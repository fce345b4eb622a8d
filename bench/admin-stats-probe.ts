import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../proto/load-proto.js';
import type { AdminClient } from '../proto/gen/twophase/v1/Admin.js';
import { probeChannelOptions } from './probe-channel-options.js';

/** Reads one process's Admin.GetStats; `undefined` while it does not answer (not started, not listening yet). */
export class AdminStatsProbe {
  private readonly client: AdminClient;

  constructor(readonly address: string) {
    const { Admin } = loadProto().twophase.v1;
    this.client = new Admin(address, grpc.credentials.createInsecure(), probeChannelOptions);
  }

  read(deadlineMs = 1_000): Promise<Record<string, number> | undefined> {
    return new Promise((resolve) =>
      this.client.GetStats({}, { deadline: new Date(Date.now() + deadlineMs) }, (err, res) => resolve(err !== null || res === undefined ? undefined : (res.stats ?? {}))),
    );
  }

  /** The counter `name`, or throws when the process does not answer or has no such counter. */
  async counter(name: string): Promise<number> {
    const stats = await this.read(5_000);
    const value = stats?.[name];
    if (value === undefined) throw new Error(`GetStats of ${this.address} ${stats === undefined ? 'did not answer' : `has no ${name}`}`);
    return value;
  }

  close(): void {
    this.client.close();
  }
}
