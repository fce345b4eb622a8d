import { crc32c } from '../../lib/crc32c/crc32c.js';
import type { LogRecord } from '../protocol/log-record.js';
import { frameHeaderBytes } from './encode-frame.js';
import type { FrameFault } from './log-errors.js';

export interface FramesRead {
  /** The records of the intact frames before the first fault, in order. */
  readonly records: LogRecord[];
  /** Byte length of those intact frames: where a torn tail starts. */
  readonly validBytes: number;
  /** Why reading stopped before the end of `segment`; undefined when every byte was read. */
  readonly fault: FrameFault | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a segment's bytes into records, stopping at the first frame that is not intact.
 * Nothing after a bad frame is trusted: its length field may be garbage, so the next
 * frame boundary is unknown.
 */
export function readFrames(segment: Buffer): FramesRead {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset < segment.length) {
    const fault = frameFault(segment, offset);
    if (fault !== undefined) return { records, validBytes: offset, fault };
    const payloadBytes = segment.readUInt32LE(offset);
    const record = decodeRecord(segment.subarray(offset + frameHeaderBytes, offset + frameHeaderBytes + payloadBytes));
    if (record === undefined) return { records, validBytes: offset, fault: 'bad-payload' };
    records.push(record);
    offset += frameHeaderBytes + payloadBytes;
  }
  return { records, validBytes: offset, fault: undefined };
}

function frameFault(segment: Buffer, offset: number): FrameFault | undefined {
  if (segment.length - offset < frameHeaderBytes) return 'torn-header';
  const payloadBytes = segment.readUInt32LE(offset);
  const payloadStart = offset + frameHeaderBytes;
  if (payloadBytes > segment.length - payloadStart) return 'length-past-end';
  const payload = segment.subarray(payloadStart, payloadStart + payloadBytes);
  return crc32c(payload) === segment.readUInt32LE(offset + 4) ? undefined : 'crc-mismatch';
}

/**
 * A payload whose CRC matches can still be unusable: a zero-filled tail (length 0, CRC 0)
 * passes the CRC, as would a record from a buggy writer. Shape-check it rather than let a
 * malformed decision reach the coordinator.
 */
function decodeRecord(payload: Uint8Array): LogRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(payload));
  } catch {
    return undefined;
  }
  return isLogRecord(value) ? value : undefined;
}

function isLogRecord(value: unknown): value is LogRecord {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  if (typeof fields.txId !== 'string') return false;
  switch (fields.kind) {
    case 'end':
      return true;
    case 'commit':
      return (
        Array.isArray(fields.participants) &&
        fields.participants.every((p) => typeof p === 'string') &&
        typeof fields.decidedAtMs === 'number' &&
        (fields.heuristic === undefined || (typeof fields.heuristic === 'object' && fields.heuristic !== null && typeof (fields.heuristic as { reason?: unknown }).reason === 'string'))
      );
    default:
      return false;
  }
}
