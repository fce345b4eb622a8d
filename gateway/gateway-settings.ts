import { z } from 'zod';
import { listenAddress, logLevel } from '../lib/config/setting-types.js';
import type { SettingName } from '../lib/config/parse-settings.js';
import { limits } from '../lib/limits/limits.js';

export const gatewaySettingsSchema = z.object({
  listen: listenAddress,
  coordinator: listenAddress,
  maxUploadBytes: z.coerce
    .number({ error: 'expected a number of bytes' })
    .int('expected a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(limits.gatewayUploadBytesSettingMax, `must be at most ${limits.gatewayUploadBytesSettingMax / 1024 ** 3} GiB`),
  callTimeoutMs: z.coerce.number().int().min(limits.gatewayCallTimeoutMsSettingMin).max(limits.gatewayCallTimeoutMsSettingMax),
  logLevel,
  metricsListen: listenAddress.optional(),
});

export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

export const gatewaySettingNames: Record<keyof GatewaySettings, SettingName> = {
  listen: { flag: '--listen', env: 'TWOPHASE_HTTP_LISTEN' },
  coordinator: { flag: '--coordinator', env: 'TWOPHASE_COORDINATOR' },
  maxUploadBytes: { flag: '--max-upload-bytes', env: 'TWOPHASE_MAX_UPLOAD_BYTES' },
  callTimeoutMs: { flag: '--call-timeout-ms', env: 'TWOPHASE_CALL_TIMEOUT_MS' },
  logLevel: { flag: '--log-level', env: 'TWOPHASE_LOG_LEVEL' },
  metricsListen: { flag: '--metrics-listen', env: 'TWOPHASE_METRICS_LISTEN' },
};
