import { z } from 'zod';
import { limits } from '../lib/limits/limits.js';
import { durationMs, listenAddress, logLevel, nonEmptyPath } from '../lib/config/setting-types.js';
import type { SettingName } from '../lib/config/parse-settings.js';
import { participantIdProblem } from '../lib/tx-id/tx-id.js';

/** `id=host:port`, repeated or comma-separated, into a map with unique ids. */
const participantList = z
  .array(z.string())
  .min(1, 'at least one participant is required, e.g. --participant blob=127.0.0.1:7071')
  .transform((items, ctx) => {
    const map = new Map<string, string>();
    for (const item of items.flatMap((i) => i.split(',')).map((i) => i.trim()).filter((i) => i !== '')) {
      const eq = item.indexOf('=');
      const id = item.slice(0, eq);
      const address = item.slice(eq + 1);
      const idProblem = eq < 0 ? `"${item}" is not id=host:port` : participantIdProblem(id);
      const addressOk = listenAddress.safeParse(address).success;
      if (idProblem !== undefined || !addressOk) {
        ctx.addIssue({ code: 'custom', message: idProblem ?? `"${address}" is not host:port` });
        return z.NEVER;
      }
      if (map.has(id)) {
        ctx.addIssue({ code: 'custom', message: `participant ${id} is given twice` });
        return z.NEVER;
      }
      map.set(id, address);
    }
    return map;
  });

export const coordinatorSettingsSchema = z.object({
  listen: listenAddress,
  dataDir: nonEmptyPath,
  participant: participantList,
  txTimeoutMs: durationMs(limits.txTimeoutMsSettingMin, limits.txTimeoutMsMax),
  prepareTimeoutMs: durationMs(limits.prepareTimeoutMsSettingMin, limits.prepareTimeoutMsSettingMax),
  phase2WaitMs: durationMs(0, limits.phase2WaitMsSettingMax),
  phase2CallTimeoutMs: durationMs(limits.phase2CallTimeoutMsSettingMin, limits.phase2CallTimeoutMsSettingMax),
  logLevel,
  admin: z.boolean(),
});

export type CoordinatorSettings = z.infer<typeof coordinatorSettingsSchema>;

export const coordinatorSettingNames: Record<keyof CoordinatorSettings, SettingName> = {
  listen: { flag: '--listen', env: 'TWOPHASE_LISTEN' },
  dataDir: { flag: '--data-dir', env: 'TWOPHASE_DATA_DIR' },
  participant: { flag: '--participant', env: 'TWOPHASE_PARTICIPANTS' },
  txTimeoutMs: { flag: '--tx-timeout-ms', env: 'TWOPHASE_TX_TIMEOUT_MS' },
  prepareTimeoutMs: { flag: '--prepare-timeout-ms', env: 'TWOPHASE_PREPARE_TIMEOUT_MS' },
  phase2WaitMs: { flag: '--phase2-wait-ms', env: 'TWOPHASE_PHASE2_WAIT_MS' },
  phase2CallTimeoutMs: { flag: '--phase2-call-timeout-ms', env: 'TWOPHASE_PHASE2_CALL_TIMEOUT_MS' },
  logLevel: { flag: '--log-level', env: 'TWOPHASE_LOG_LEVEL' },
  admin: { flag: '--admin', env: 'TWOPHASE_ADMIN' },
};
