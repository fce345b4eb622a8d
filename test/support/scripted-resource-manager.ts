import type { PrepareVote, RecoveryResult, ResourceManager } from '../../participant/resource-manager.js';

/**
 * A resource manager that answers as the test scripts it and records every call, as
 * `method txId`. It keeps nothing: a test plays only the participant's answers.
 */
export class ScriptedResourceManager implements ResourceManager {
  readonly calls: string[] = [];
  /** The vote of every prepare. */
  vote: PrepareVote = { vote: 'yes' };

  constructor(readonly participantId: string) {}

  async recover(): Promise<RecoveryResult> {
    return { prepared: [], abortedLeftovers: 0 };
  }

  async prepare(txId: string): Promise<PrepareVote> {
    this.calls.push(`prepare ${txId}`);
    return this.vote;
  }

  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    this.calls.push(`commit ${txId}`);
    return { alreadyCommitted: false };
  }

  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    this.calls.push(`abort ${txId}`);
    return { alreadyAborted: false };
  }

  async close(): Promise<void> {}

  /** The calls recorded for `txId`, by method name alone. */
  callsOf(txId: string): string[] {
    return this.calls.filter((c) => c.endsWith(` ${txId}`)).map((c) => c.split(' ')[0] ?? c);
  }
}

/** A scripted resource manager that can be the last resource: its one-phase commit and resolve answer as scripted too. */
export class ScriptedLastResource extends ScriptedResourceManager {
  /** What `commitOnePhase` does: answer an outcome, or throw (its answer lost). */
  onePhase: () => Promise<'committed' | 'aborted'> = async () => 'committed';
  /** What `resolveOutcome` answers. */
  resolved: () => Promise<'committed' | 'aborted'> = async () => 'aborted';
  /** The participant list each one-phase commit was given, by tx. */
  readonly participantsOf = new Map<string, readonly string[]>();

  async commitOnePhase(txId: string, participants: readonly string[]): Promise<'committed' | 'aborted'> {
    this.calls.push(`commitOnePhase ${txId}`);
    this.participantsOf.set(txId, participants);
    return this.onePhase();
  }

  async resolveOutcome(txId: string): Promise<'committed' | 'aborted'> {
    this.calls.push(`resolveOutcome ${txId}`);
    return this.resolved();
  }
}
