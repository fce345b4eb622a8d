import { z } from 'zod';
import { limits } from '../lib/limits/limits.js';
import { coordinatorList, durationMs, listenAddress, logLevel, nonEmptyPath } from '../lib/config/setting-types.js';
import type { SettingName } from '../lib/config/parse-settings.js';
import { participantIdProblem } from '../lib/tx-id/tx-id.js';

const participantId = z.string().superRefine((v, ctx) => {
  const problem = participantIdProblem(v);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const common = {
  listen: listenAddress,
  coordinator: coordinatorList,
  participantId,
  branchIdleMs: durationMs(limits.branchIdleMsSettingMin, limits.branchIdleMsSettingMax),
  logLevel,
  admin: z.boolean(),
  metricsListen: listenAddress.optional(),
};

export const blobSettingsSchema = z
  .object({
    ...common,
    dataDir: nonEmptyPath,
    putStallMs: durationMs(limits.putStallMsSettingMin, limits.putStallMsSettingMax),
    s3Bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots and dashes').optional(),
    s3Endpoint: z.url({ error: 'expected a URL, e.g. http://127.0.0.1:9000' }).optional(),
    s3Region: z.string().min(1).optional(),
    s3Prefix: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, 'expected a key prefix ending in /, e.g. twophase/ (or empty)').optional(),
    s3ForcePathStyle: z.boolean(),
  })
  .superRefine((s, ctx) => {
    if (s.s3Bucket !== undefined) return;
    for (const key of ['s3Endpoint', 's3Region', 's3Prefix'] as const) {
      if (s[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is an S3 setting, given without --s3-bucket' });
    }
  });

export const metadataSettingsSchema = z.object({
  ...common,
  databaseUrl: z
    .string({ error: 'a PostgreSQL URL is required, e.g. postgres://user:password@127.0.0.1:5432/twophase' })
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database'),
  lockTimeoutMs: durationMs(limits.lockTimeoutMsSettingMin, limits.lockTimeoutMsSettingMax),
  statementTimeoutMs: durationMs(limits.statementTimeoutMsSettingMin, limits.statementTimeoutMsSettingMax),
  queryTimeoutMs: durationMs(limits.queryTimeoutMsSettingMin, limits.queryTimeoutMsSettingMax),
  branchesMax: z.coerce.number().int().min(1).max(limits.branchesMax),
}).superRefine((s, ctx) => {
  // a lock wait must end as a conflict before the statement ends, and a live server must answer before the client gives up
  if (s.statementTimeoutMs <= s.lockTimeoutMs) {
    ctx.addIssue({ code: 'custom', path: ['statementTimeoutMs'], message: `must be above the lock timeout (${s.lockTimeoutMs} ms)` });
  }
  if (s.queryTimeoutMs < s.statementTimeoutMs) {
    ctx.addIssue({ code: 'custom', path: ['queryTimeoutMs'], message: `must be at least the statement timeout (${s.statementTimeoutMs} ms)` });
  }
});

export type BlobSettings = z.infer<typeof blobSettingsSchema>;
export type MetadataSettings = z.infer<typeof metadataSettingsSchema>;

export const participantSettingNames: Record<string, SettingName> = {
  listen: { flag: '--listen', env: 'TWOPHASE_LISTEN' },
  coordinator: { flag: '--coordinator', env: 'TWOPHASE_COORDINATOR' },
  participantId: { flag: '--participant-id', env: 'TWOPHASE_PARTICIPANT_ID' },
  branchIdleMs: { flag: '--branch-idle-ms', env: 'TWOPHASE_BRANCH_IDLE_MS' },
  logLevel: { flag: '--log-level', env: 'TWOPHASE_LOG_LEVEL' },
  admin: { flag: '--admin', env: 'TWOPHASE_ADMIN' },
  metricsListen: { flag: '--metrics-listen', env: 'TWOPHASE_METRICS_LISTEN' },
  dataDir: { flag: '--data-dir', env: 'TWOPHASE_DATA_DIR' },
  putStallMs: { flag: '--put-stall-ms', env: 'TWOPHASE_PUT_STALL_MS' },
  s3Bucket: { flag: '--s3-bucket', env: 'TWOPHASE_S3_BUCKET' },
  s3Endpoint: { flag: '--s3-endpoint', env: 'TWOPHASE_S3_ENDPOINT' },
  s3Region: { flag: '--s3-region', env: 'TWOPHASE_S3_REGION' },
  s3Prefix: { flag: '--s3-prefix', env: 'TWOPHASE_S3_PREFIX' },
  s3ForcePathStyle: { flag: '--s3-force-path-style', env: 'TWOPHASE_S3_FORCE_PATH_STYLE' },
  databaseUrl: { flag: '--database-url', env: 'TWOPHASE_DATABASE_URL' },
  lockTimeoutMs: { flag: '--lock-timeout-ms', env: 'TWOPHASE_LOCK_TIMEOUT_MS' },
  statementTimeoutMs: { flag: '--statement-timeout-ms', env: 'TWOPHASE_STATEMENT_TIMEOUT_MS' },
  queryTimeoutMs: { flag: '--query-timeout-ms', env: 'TWOPHASE_QUERY_TIMEOUT_MS' },
  branchesMax: { flag: '--branches-max', env: 'TWOPHASE_BRANCHES_MAX' },
};
