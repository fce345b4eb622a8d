import { armFromEnv, validateArmed } from '../lib/failpoints/failpoints.js';
import './all-failpoints.js';

/**
 * Arms TWOPHASE_FAILPOINTS once every module that defines failpoints is loaded, so a
 * misspelt name fails the start instead of silently never firing.
 */
export function startFailpoints(): void {
  armFromEnv();
  validateArmed();
}
