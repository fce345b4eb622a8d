import { nanoid } from 'nanoid';
import { limits } from '../limits/limits.js';

/**
 * Tx ids are random and URL-safe. Only [A-Za-z0-9_-] is accepted anywhere, because the
 * metadata participant builds `PREPARE TRANSACTION '<gid>'` from them and that statement
 * cannot take a parameter.
 */
const txIdPattern = new RegExp(`^[A-Za-z0-9_-]{${limits.txIdLengthMin},${limits.txIdLengthMax}}$`);

export function newTxId(): string {
  return nanoid(limits.txIdLengthMin);
}

/**
 * A tx id that names the coordinator that began it (a coordinator on a shared decision
 * log): `<coordinatorId>-<21 random characters>`, so that a participant sends its Enlist and
 * GetOutcome to that coordinator first.
 */
export function newTxIdOf(coordinatorId: string): string {
  return `${coordinatorId}-${nanoid(limits.txIdLengthMin)}`;
}

/** The longest coordinator id newTxIdOf can carry within limits.txIdLengthMax. */
export const txIdCoordinatorIdLengthMax = limits.txIdLengthMax - limits.txIdLengthMin - 1;

/** The coordinator a tx id names (see newTxIdOf), or undefined for one that names none (a coordinator on its file log). */
export function coordinatorOfTxId(txId: string): string | undefined {
  const cut = txId.length - limits.txIdLengthMin - 1;
  if (cut < 1 || txId[cut] !== '-') return undefined;
  const id = txId.slice(0, cut);
  return participantIdProblem(id) === undefined ? id : undefined;
}

export function isValidTxId(txId: string): boolean {
  return txIdPattern.test(txId);
}

/** Why `txId` is refused, or undefined when it is valid. */
export function txIdProblem(txId: string): string | undefined {
  if (isValidTxId(txId)) return undefined;
  const shown = JSON.stringify(txId.length > 80 ? `${txId.slice(0, 80)}…` : txId);
  return `invalid tx id ${shown}: expected ${limits.txIdLengthMin} to ${limits.txIdLengthMax} characters of [A-Za-z0-9_-]`;
}

const participantIdPattern = new RegExp(`^[a-z][a-z0-9_-]{0,${limits.participantIdLengthMax - 1}}$`);

/** Participant ids are short lowercase names (`blob`, `metadata`). */
export function participantIdProblem(participantId: string): string | undefined {
  if (participantIdPattern.test(participantId)) return undefined;
  return `invalid participant id ${JSON.stringify(participantId.slice(0, 80))}: expected a lowercase name of [a-z0-9_-], starting with a letter, at most ${limits.participantIdLengthMax} characters`;
}
