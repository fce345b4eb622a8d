/** `--admin` is a switch; from the environment, TWOPHASE_ADMIN=1 or true turns it on. */
export function withAdmin(opts: Record<string, unknown>): Record<string, unknown> {
  return { ...opts, admin: opts.admin === true || opts.admin === '1' || opts.admin === 'true' };
}
