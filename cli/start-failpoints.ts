import { allowUnsafeFailpoints, armFromEnv, validateArmed } from '../lib/failpoints/failpoints.js';
import './all-failpoints.js';

/**
 * Arms TWOPHASE_FAILPOINTS once every module that defines failpoints is loaded, so a
 * misspelt name fails the start instead of silently never firing. Failpoints that break a
 * guarantee on purpose are refused (UnsafeFailpointError, here and through Admin) unless
 * `unsafe` says the process was started with --unsafe-failpoints.
 */
export function startFailpoints(options: { readonly unsafe?: boolean } = {}): void {
  if (options.unsafe === true) allowUnsafeFailpoints();
  armFromEnv();
  validateArmed();
}
