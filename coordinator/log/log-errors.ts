/**
 * Why a frame is not intact. Each is what a write cut short by a crash can leave behind
 * (a partial header, a partial payload, sectors that never reached the disk), and also
 * what a damaged disk can produce; only the frame's position tells them apart.
 */
export type FrameFault = 'torn-header' | 'length-past-end' | 'crc-mismatch' | 'bad-payload';

/** Why a segment cannot be trusted: a damaged frame, or a gap in the segment sequence. */
export type CorruptReason = FrameFault | 'segment-missing';

/**
 * A record that was acknowledged as durable is damaged: a bad frame in a segment that is
 * not the last one (only the last can hold a torn, never-acknowledged write), or a
 * segment missing from the middle of the sequence. The log refuses to open because
 * guessing would drop commit decisions.
 */
export class LogCorruptError extends Error {
  override readonly name = 'LogCorruptError';

  constructor(
    /** The damaged segment file, or the first one after the gap. */
    readonly segmentPath: string,
    /** Byte offset of the bad frame within `segmentPath` (0 for a missing segment). */
    readonly offset: number,
    readonly reason: CorruptReason,
  ) {
    super(`decision log segment ${segmentPath} is corrupt at byte ${offset}: ${reason}`);
  }
}

/** The log is closing or closed; the record was not appended. */
export class LogClosedError extends Error {
  override readonly name = 'LogClosedError';

  constructor(
    readonly dir: string,
    readonly state: 'closing' | 'closed',
  ) {
    super(`decision log ${dir} is ${state}`);
  }
}

/** The I/O step whose failure stopped the log. */
export type FatalOperation =
  | 'write'
  | 'datasync'
  | 'create-segment'
  | 'sync-dir'
  | 'delete-segment'
  | 'close-segment'
  | 'truncate';

/**
 * A write, fdatasync or directory change failed. The log stops for good: after a failed
 * fsync the kernel may have dropped the dirty pages and cleared the error (fsyncgate), so
 * a retry could report success for data that is gone. Only a restart, which replays what
 * really reached the disk, is safe.
 */
export class LogFatalError extends Error {
  override readonly name = 'LogFatalError';

  constructor(
    readonly dir: string,
    /** The segment file the operation was on, or the directory for `sync-dir`. */
    readonly filePath: string,
    readonly operation: FatalOperation,
    options: { cause: unknown },
  ) {
    super(`decision log ${operation} failed on ${filePath}; the log is stopped`, options);
  }
}

/** A record's encoded payload exceeds `recordBytesMax`; nothing was written. */
export class LogRecordTooLargeError extends Error {
  override readonly name = 'LogRecordTooLargeError';

  constructor(
    readonly txId: string,
    readonly payloadBytes: number,
    readonly recordBytesMax: number,
  ) {
    super(`decision log record for tx ${txId} is ${payloadBytes} bytes; the limit is ${recordBytesMax}`);
  }
}

/**
 * Shared log: the commit record was not written because the tx's key already holds an
 * abort (another coordinator settled the tx first). The abort is the decision.
 */
export class DecisionTakenError extends Error {
  override readonly name = 'DecisionTakenError';

  constructor(readonly txId: string) {
    super(`the shared decision log already holds an abort for tx ${txId}; its commit record was not written`);
  }
}

/**
 * More than `pendingBytesMax` of records are waiting for the disk; nothing was written.
 * Retryable: the caller should shed load (RESOURCE_EXHAUSTED) rather than queue more.
 */
export class LogQueueFullError extends Error {
  override readonly name = 'LogQueueFullError';

  constructor(
    readonly dir: string,
    readonly pendingBytes: number,
    readonly pendingBytesMax: number,
  ) {
    super(`decision log ${dir} has ${pendingBytes} bytes waiting for the disk; the limit is ${pendingBytesMax}`);
  }
}
