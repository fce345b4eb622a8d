import { failpointGrammar } from './failpoint-grammar.js';

/**
 * A failpoint spec (as in `TWOPHASE_FAILPOINTS`) that does not follow the
 * grammar. The message names the offending item and repeats the grammar, since
 * whoever wrote the spec is usually looking at a failed start-up.
 */
export class FailpointSpecError extends Error {
  override readonly name = 'FailpointSpecError';

  constructor(
    /** The offending item of the spec, as written. */
    readonly item: string,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`bad failpoint spec item ${JSON.stringify(item)}: ${reason}\n${failpointGrammar}`);
  }
}
