import { z } from 'zod';
import { coordinatorList, listenAddress, logLevel } from '../lib/config/setting-types.js';
import type { SettingName } from '../lib/config/parse-settings.js';
import { tlsSettingNames } from '../lib/tls/tls-material.js';
import { limits } from '../lib/limits/limits.js';
import { authModes } from './user-auth.js';

export const gatewaySettingsSchema = z.object({
  listen: listenAddress,
  coordinator: coordinatorList,
  maxUploadBytes: z.coerce
    .number({ error: 'expected a number of bytes' })
    .int('expected a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(limits.gatewayUploadBytesSettingMax, `must be at most ${limits.gatewayUploadBytesSettingMax / 1024 ** 3} GiB`),
  callTimeoutMs: z.coerce.number().int().min(limits.gatewayCallTimeoutMsSettingMin).max(limits.gatewayCallTimeoutMsSettingMax),
  logLevel,
  metricsListen: listenAddress.optional(),
  headersTimeoutMs: z.coerce.number().int().min(limits.gatewayHeadersTimeoutMsSettingMin).max(limits.gatewayHeadersTimeoutMsSettingMax),
  idleTimeoutMs: z.coerce.number().int().min(limits.gatewayIdleTimeoutMsSettingMin).max(limits.gatewayIdleTimeoutMsSettingMax),
  connectionsPerClient: z.coerce.number().int().min(1).max(limits.gatewayConnectionsPerClientSettingMax),
  auth: z.enum(authModes, { error: `expected one of ${authModes.join(', ')}` }),
  jwtSecretFile: z.string().optional(),
  jwtPublicKeyFile: z.string().optional(),
  jwksFile: z.string().optional(),
  jwtIssuer: z.string().min(1).optional(),
  jwtAudience: z.string().min(1).optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  tlsCa: z.string().optional(),
});

export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

export const gatewaySettingNames: Record<keyof GatewaySettings, SettingName> = {
  listen: { flag: '--listen', env: 'TWOPHASE_HTTP_LISTEN' },
  coordinator: { flag: '--coordinator', env: 'TWOPHASE_COORDINATOR' },
  maxUploadBytes: { flag: '--max-upload-bytes', env: 'TWOPHASE_MAX_UPLOAD_BYTES' },
  callTimeoutMs: { flag: '--call-timeout-ms', env: 'TWOPHASE_CALL_TIMEOUT_MS' },
  logLevel: { flag: '--log-level', env: 'TWOPHASE_LOG_LEVEL' },
  metricsListen: { flag: '--metrics-listen', env: 'TWOPHASE_METRICS_LISTEN' },
  headersTimeoutMs: { flag: '--headers-timeout-ms', env: 'TWOPHASE_HEADERS_TIMEOUT_MS' },
  idleTimeoutMs: { flag: '--idle-timeout-ms', env: 'TWOPHASE_IDLE_TIMEOUT_MS' },
  connectionsPerClient: { flag: '--connections-per-client', env: 'TWOPHASE_CONNECTIONS_PER_CLIENT' },
  auth: { flag: '--auth', env: 'TWOPHASE_AUTH' },
  jwtSecretFile: { flag: '--jwt-secret-file', env: 'TWOPHASE_JWT_SECRET_FILE' },
  jwtPublicKeyFile: { flag: '--jwt-public-key-file', env: 'TWOPHASE_JWT_PUBLIC_KEY_FILE' },
  jwksFile: { flag: '--jwks-file', env: 'TWOPHASE_JWKS_FILE' },
  jwtIssuer: { flag: '--jwt-issuer', env: 'TWOPHASE_JWT_ISSUER' },
  jwtAudience: { flag: '--jwt-audience', env: 'TWOPHASE_JWT_AUDIENCE' },
  ...tlsSettingNames,
};
