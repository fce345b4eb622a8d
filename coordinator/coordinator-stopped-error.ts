/** A call reached the coordinator after it began to shut down. */
export class CoordinatorStoppedError extends Error {
  override readonly name = 'CoordinatorStoppedError';
  constructor() {
    super('the coordinator is shutting down');
  }
}
