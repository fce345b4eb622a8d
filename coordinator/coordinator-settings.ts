import { z } from 'zod';
import { limits } from '../lib/limits/limits.js';
import { durationMs, listenAddress, logLevel, nonEmptyPath } from '../lib/config/setting-types.js';
import type { SettingName } from '../lib/config/parse-settings.js';
import { participantIdProblem, txIdCoordinatorIdLengthMax } from '../lib/tx-id/tx-id.js';
import { isPostgresUrl } from '../lib/config/postgres-url.js';

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

/**
 * How the coordinator commits (DESIGN.md): `two-phase`, every participant prepares and the
 * synced commit record is the commit point; `last-resource`, every participant but the
 * last resource prepares, and the last resource's one-phase COMMIT is the commit point.
 */
export const commitModes = ['two-phase', 'last-resource'] as const;
export type CommitMode = (typeof commitModes)[number];

/** The last resource when none is named: the metadata participant, whose PostgreSQL store can be one. */
export const defaultLastResource = 'metadata';

export const commitMode = z.enum(commitModes, { error: `expected one of ${commitModes.join(', ')}` });

const participantId = z.string().superRefine((id, ctx) => {
  const problem = participantIdProblem(id);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** `--decision-log`: `file` (the data dir's own log) or the URL of the PostgreSQL database of a shared one. */
const decisionLog = z.string().superRefine((value, ctx) => {
  if (value !== 'file' && !isPostgresUrl(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected file, or a postgres://user:password@host:port/database URL of a shared decision log' });
  }
});

export const coordinatorSettingsSchema = z
  .object({
    listen: listenAddress,
    dataDir: nonEmptyPath,
    coordinatorId: participantId,
    decisionLog,
    participant: participantList,
    commitMode,
    lastResource: participantId.optional(),
    txTimeoutMs: durationMs(limits.txTimeoutMsSettingMin, limits.txTimeoutMsMax),
    prepareTimeoutMs: durationMs(limits.prepareTimeoutMsSettingMin, limits.prepareTimeoutMsSettingMax),
    phase2WaitMs: durationMs(0, limits.phase2WaitMsSettingMax),
    phase2CallTimeoutMs: durationMs(limits.phase2CallTimeoutMsSettingMin, limits.phase2CallTimeoutMsSettingMax),
    logLevel,
    admin: z.boolean(),
    metricsListen: listenAddress.optional(),
    metadataShards: z
      .string()
      .transform((v) => v.split(',').map((i) => i.trim()).filter((i) => i !== ''))
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.metadataShards !== undefined) {
      const unknown = s.metadataShards.filter((id) => !s.participant.has(id));
      if (s.metadataShards.length === 0) ctx.addIssue({ code: 'custom', path: ['metadataShards'], message: 'expected participant ids, comma-separated, e.g. metadata-a,metadata-b' });
      else if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: ['metadataShards'], message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the participants (${[...s.participant.keys()].join(', ')})` });
      else if (new Set(s.metadataShards).size !== s.metadataShards.length) ctx.addIssue({ code: 'custom', path: ['metadataShards'], message: 'a shard is given twice' });
      if (s.commitMode === 'last-resource') ctx.addIssue({ code: 'custom', path: ['metadataShards'], message: 'sharded metadata is for two-phase commit: a tx across shards has two metadata participants, and only one can be the last resource' });
    }
    if (s.decisionLog !== 'file' && s.coordinatorId.length > txIdCoordinatorIdLengthMax) {
      ctx.addIssue({ code: 'custom', path: ['coordinatorId'], message: `on a shared decision log the id goes into every tx id: at most ${txIdCoordinatorIdLengthMax} characters` });
    }
    if (s.decisionLog !== 'file' && s.commitMode === 'last-resource') {
      ctx.addIssue({
        code: 'custom',
        path: ['decisionLog'],
        message: 'a shared decision log is for two-phase commit: in last-resource mode the commit point is the last resource\'s COMMIT, not a log record; drop one of the two',
      });
    }
    if (s.commitMode === 'two-phase') {
      // a deployment that names a last resource expects one: say it is not in effect rather than ignore it
      if (s.lastResource !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['lastResource'], message: 'a last resource is named, but the commit mode is two-phase; add --commit-mode last-resource, or drop it' });
      }
      return;
    }
    const last = s.lastResource ?? defaultLastResource;
    if (!s.participant.has(last)) {
      const named = s.lastResource === undefined ? `the default last resource ${last}` : `the last resource ${last}`;
      ctx.addIssue({ code: 'custom', path: ['lastResource'], message: `${named} is not one of the participants (${[...s.participant.keys()].join(', ')}); name one with --last-resource` });
    }
  })
  // '' is full two-phase commit, as the core's config has it
  .transform(({ lastResource, ...s }) => ({ ...s, lastResource: s.commitMode === 'last-resource' ? (lastResource ?? defaultLastResource) : '' }));

export type CoordinatorSettings = z.infer<typeof coordinatorSettingsSchema>;

export const coordinatorSettingNames: Record<keyof CoordinatorSettings, SettingName> = {
  listen: { flag: '--listen', env: 'TWOPHASE_LISTEN' },
  dataDir: { flag: '--data-dir', env: 'TWOPHASE_DATA_DIR' },
  coordinatorId: { flag: '--coordinator-id', env: 'TWOPHASE_COORDINATOR_ID' },
  decisionLog: { flag: '--decision-log', env: 'TWOPHASE_DECISION_LOG' },
  participant: { flag: '--participant', env: 'TWOPHASE_PARTICIPANTS' },
  commitMode: { flag: '--commit-mode', env: 'TWOPHASE_COMMIT_MODE' },
  lastResource: { flag: '--last-resource', env: 'TWOPHASE_LAST_RESOURCE' },
  txTimeoutMs: { flag: '--tx-timeout-ms', env: 'TWOPHASE_TX_TIMEOUT_MS' },
  prepareTimeoutMs: { flag: '--prepare-timeout-ms', env: 'TWOPHASE_PREPARE_TIMEOUT_MS' },
  phase2WaitMs: { flag: '--phase2-wait-ms', env: 'TWOPHASE_PHASE2_WAIT_MS' },
  phase2CallTimeoutMs: { flag: '--phase2-call-timeout-ms', env: 'TWOPHASE_PHASE2_CALL_TIMEOUT_MS' },
  logLevel: { flag: '--log-level', env: 'TWOPHASE_LOG_LEVEL' },
  admin: { flag: '--admin', env: 'TWOPHASE_ADMIN' },
  metricsListen: { flag: '--metrics-listen', env: 'TWOPHASE_METRICS_LISTEN' },
  metadataShards: { flag: '--metadata-shards', env: 'TWOPHASE_METADATA_SHARDS' },
};
