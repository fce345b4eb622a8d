/**
 * Failpoints were armed under names no module defines. Almost always a typo in
 * `TWOPHASE_FAILPOINTS`; failing loudly beats a crash test that silently never
 * crashes.
 */
export class UnknownFailpointError extends Error {
  override readonly name = 'UnknownFailpointError';

  constructor(
    /** Every armed name that no module defines, sorted. */
    readonly names: readonly string[],
  ) {
    super(
      `unknown failpoint${names.length === 1 ? '' : 's'} armed: ${names.join(', ')}` +
        ' (`twophase failpoints` lists the defined ones)',
    );
  }
}
