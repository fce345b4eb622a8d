import { loadProto } from '../../proto/load-proto.js';
import { channelCredentials } from '../../lib/tls/transport-credentials.js';
import type { TlsMaterial } from '../../lib/tls/tls-material.js';

/** One process's Admin.GetStats (the process runs with --admin); over mutual TLS with an admin's `tls`. */
export function adminStats(address: string, tls?: TlsMaterial): Promise<Record<string, number>> {
  const client = new (loadProto().twophase.v1.Admin)(address, channelCredentials(tls));
  return new Promise<Record<string, number>>((resolve, reject) =>
    client.GetStats({}, { deadline: new Date(Date.now() + 5_000) }, (err, res) => (err !== null || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res.stats ?? {}))),
  ).finally(() => client.close());
}
