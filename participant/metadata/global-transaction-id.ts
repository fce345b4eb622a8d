import { assert } from '../../lib/assert/assert.js';
import { participantIdProblem, txIdProblem } from '../../lib/tx-id/tx-id.js';

const scheme = 'twophase';

/**
 * PostgreSQL global transaction ids (gids) of our branches: `twophase:<participantId>:<txId>`.
 * PREPARE TRANSACTION, COMMIT PREPARED and ROLLBACK PREPARED take the gid as a literal,
 * never as a parameter, so a gid is built only from ids that passed validation
 * (characters [A-Za-z0-9_-] and `:`), asserted here: no quote can ever reach the SQL.
 * The participant id is part of it so that two participants sharing a database, and
 * other applications' prepared transactions, are never mistaken for ours.
 */
export const globalTransactionId = {
  /** The gid of the branch of `txId`. */
  of(participantId: string, txId: string): string {
    assert(txIdProblem(txId) === undefined, `tx id ${JSON.stringify(txId)} was validated before building a gid`);
    const gid = `${globalTransactionId.prefix(participantId)}${txId}`;
    // PostgreSQL's GIDSIZE is 200 bytes with the terminator; the id limits keep us far below
    assert(gid.length < 200, `gid ${gid} fits PostgreSQL's 199 characters`);
    return gid;
  },

  /** What every gid of `participantId` starts with. */
  prefix(participantId: string): string {
    assert(participantIdProblem(participantId) === undefined, `participant id ${JSON.stringify(participantId)} was validated`);
    return `${scheme}:${participantId}:`;
  },

  /** The tx id of one of our gids, or undefined when `gid` is not one (or is malformed). */
  txIdOf(participantId: string, gid: string): string | undefined {
    const prefix = globalTransactionId.prefix(participantId);
    if (!gid.startsWith(prefix)) return undefined;
    const txId = gid.slice(prefix.length);
    return txIdProblem(txId) === undefined ? txId : undefined;
  },

  /** `gid` as an SQL string literal; asserts it holds no character that would need quoting. */
  literal(gid: string): string {
    assert(/^[A-Za-z0-9_:-]+$/.test(gid), `gid ${JSON.stringify(gid)} holds only [A-Za-z0-9_:-]`);
    return `'${gid}'`;
  },
};
