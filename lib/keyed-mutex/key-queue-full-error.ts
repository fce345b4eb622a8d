/**
 * `waitersPerKeyMax` sections already wait for one key; this one was not queued and did
 * not run. Retryable once the running section ends: the caller answers RESOURCE_EXHAUSTED.
 */
export class KeyQueueFullError extends Error {
  override readonly name = 'KeyQueueFullError';

  constructor(
    readonly key: string,
    readonly waitersPerKeyMax: number,
  ) {
    super(`${waitersPerKeyMax} calls already wait for ${key}; retry once the running one ends`);
  }
}
