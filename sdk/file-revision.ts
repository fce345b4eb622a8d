import type { FileRevision__Output } from '../proto/gen/twophase/v1/FileRevision.js';

/** One committed revision of a file, as the SDK returns it. */
export interface FileRevision {
  readonly namespace: string;
  readonly path: string;
  readonly revision: number;
  /** Lower-case hex SHA-256; empty for a tombstone. */
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
  readonly createdAt: Date;
  readonly txId: string;
  /** True for the tombstone written by a delete. */
  readonly deleted: boolean;
}

export function fileRevisionFromWire(r: FileRevision__Output): FileRevision {
  return {
    namespace: r.namespace,
    path: r.path,
    revision: Number(r.revision),
    sha256: r.sha256,
    size: Number(r.size),
    contentType: r.contentType,
    createdAt: new Date(Number(r.createdUnixMs)),
    txId: r.txId,
    deleted: r.deleted,
  };
}
