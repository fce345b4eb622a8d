import { ParticipantError } from '../participant-errors.js';

/** A byte range that reaches past the end of an object. → OUT_OF_RANGE */
export class RangeNotSatisfiableError extends ParticipantError {
  override readonly name = 'RangeNotSatisfiableError';
  override readonly status = 'OUT_OF_RANGE';
  constructor(
    readonly sha256: string,
    readonly offset: number,
    readonly length: number,
    readonly objectSize: number,
  ) {
    super(`range of ${length} bytes at offset ${offset} is past the end of object ${sha256} (${objectSize} bytes)`);
  }
}
