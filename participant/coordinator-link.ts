/** How a participant reaches the coordinator. Implemented over gRPC; faked in tests. */
export interface CoordinatorLink {
  /**
   * Enlists `participantId` (this process: `incarnation`) in `txId`. Resolves with the tx deadline (Unix ms). Rejects
   * with `TxNotActiveError` when the coordinator refuses (tx unknown, preparing or ended),
   * with `InvalidInputError` when it does not know this participant, with
   * `LimitExceededError` when it is at a limit (retryable), and with
   * `CoordinatorUnavailableError` when it cannot be reached.
   */
  enlist(txId: string, participantId: string, incarnation: string): Promise<{ txDeadlineMs: number }>;

  /** The coordinator's outcome of `txId`. Rejects when the coordinator cannot be reached. */
  getOutcome(txId: string, participantId: string): Promise<'active' | 'preparing' | 'committed' | 'aborted'>;

  close(): void;
}
