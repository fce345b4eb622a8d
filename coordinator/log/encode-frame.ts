import { assert, assertNever } from '../../lib/assert/assert.js';
import { crc32c } from '../../lib/crc32c/crc32c.js';
import type { LogRecord } from '../protocol/log-record.js';
import { LogRecordTooLargeError } from './log-errors.js';

/** A frame starts with the payload length (u32 LE), then the payload's CRC32C (u32 LE). */
export const frameHeaderBytes = 8;

/**
 * Encodes `record` as one frame: `length · CRC32C(payload) · payload`, the payload being
 * compact UTF-8 JSON. Throws `LogRecordTooLargeError` when the payload exceeds
 * `recordBytesMax`, before anything reaches the disk.
 */
export function encodeFrame(record: LogRecord, recordBytesMax: number): Buffer {
  const payloadText = JSON.stringify(storedFields(record));
  const payloadBytes = Buffer.byteLength(payloadText, 'utf8');
  if (payloadBytes > recordBytesMax) {
    throw new LogRecordTooLargeError(record.txId, payloadBytes, recordBytesMax);
  }
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payloadBytes);
  frame.write(payloadText, frameHeaderBytes, 'utf8');
  frame.writeUInt32LE(payloadBytes, 0);
  frame.writeUInt32LE(crc32c(frame.subarray(frameHeaderBytes)), 4);
  return frame;
}

/**
 * Copies only the fields of the record's kind, so a caller's extra properties never reach
 * the disk, and asserts what replay will check: a record that `readFrames` would reject
 * must never be written, or a synced decision would read back as corruption.
 */
function storedFields(record: LogRecord): LogRecord {
  assert(typeof record.txId === 'string', 'a log record has a string txId');
  switch (record.kind) {
    case 'commit':
      assert(Number.isFinite(record.decidedAtMs), 'decidedAtMs is a finite number (JSON has no NaN)');
      return {
        kind: 'commit',
        txId: record.txId,
        participants: record.participants,
        decidedAtMs: record.decidedAtMs,
        ...(record.heuristic === undefined ? {} : { heuristic: { reason: record.heuristic.reason } }),
      };
    case 'end':
      return { kind: 'end', txId: record.txId };
    default: {
      const unknownRecord: never = record;
      return assertNever(unknownRecord, 'unknown log record');
    }
  }
}
