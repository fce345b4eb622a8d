import { limits } from '../limits/limits.js';

/**
 * The textual failpoint grammar (documented in failpoints.ts) as shown to people
 * who got it wrong; the limits it enforces are in lib/limits (failpoint…Max).
 */

/** Lowercase words of letters and digits, joined by `-` within a part and `.` between parts. */
export const failpointNamePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$/;

export const failpointGrammar = [
  'failpoint spec grammar (TWOPHASE_FAILPOINTS):',
  '  spec    := item ( "," item )*',
  '  item    := name "=" action [ trigger ]',
  '  name    := lowercase words joined by "." and "-", e.g. coordinator.log.before-sync',
  `  action  := crash | error | hang | off | delay(<ms>)      ms: whole milliseconds 0..${limits.failpointDelayMsMax}`,
  '  trigger := @<n>   fire on the nth hit only (n >= 1)',
  '           | %<p>   fire on each hit with probability p percent (0 < p <= 100)',
  '  example: coordinator.log.after-sync=crash,participant.blob.prepare=delay(200)%50,x=error@3',
].join('\n');
