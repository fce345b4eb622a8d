import type { CommitRecord, EndRecord, LogRecord } from '../../coordinator/protocol/log-record.js';

/** Record builders and replay helpers shared by the decision log tests. */
export const logRecords = {
  commit(txId: string, decidedAtMs = 1_700_000_000_000): CommitRecord {
    return { kind: 'commit', txId, participants: ['blob-1', 'metadata-1'], decidedAtMs };
  },

  end(txId: string): EndRecord {
    return { kind: 'end', txId };
  },

  /** The txIds a restarted coordinator must re-drive: commits without a later end. */
  unended(records: readonly LogRecord[]): string[] {
    const open = new Set<string>();
    for (const record of records) {
      if (record.kind === 'commit') open.add(record.txId);
      else open.delete(record.txId);
    }
    return [...open];
  },

  /** Byte offsets at which each frame of a segment starts, read from the length headers. */
  frameStarts(segment: Buffer): number[] {
    const starts: number[] = [];
    for (let offset = 0; offset < segment.length; offset += 8 + segment.readUInt32LE(offset)) starts.push(offset);
    return starts;
  },
};
