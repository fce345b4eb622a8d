import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto/load-proto.js';

/** One process's Admin.GetStats (the process runs with --admin). */
export function adminStats(address: string): Promise<Record<string, number>> {
  const client = new (loadProto().twophase.v1.Admin)(address, grpc.credentials.createInsecure());
  return new Promise<Record<string, number>>((resolve, reject) =>
    client.GetStats({}, { deadline: new Date(Date.now() + 5_000) }, (err, res) => (err !== null || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res.stats ?? {}))),
  ).finally(() => client.close());
}
