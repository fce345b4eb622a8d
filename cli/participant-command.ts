import { Command, Option } from 'commander';
import { parseSettings } from '../lib/config/parse-settings.js';
import { createLogger } from '../lib/logger/logger.js';
import { limits } from '../lib/limits/limits.js';
import { lockDir } from '../lib/dir-lock/dir-lock.js';
import { mkdir } from 'node:fs/promises';
import { blobSettingsSchema, metadataSettingsSchema, participantSettingNames } from '../participant/participant-settings.js';
import { runUntilSignal } from './run-until-signal.js';
import { startFailpoints } from './start-failpoints.js';
import { withAdmin } from './with-admin.js';
import { withTlsOptions } from './tls-options.js';
import { loadTransportSecurity } from '../lib/tls/transport-security.js';
import { untilLoaded } from './until-loaded.js';

function commonOptions(command: Command, defaults: { listen: string; participantId: string }): Command {
  return withTlsOptions(command, { server: true })
    .addOption(new Option('--listen <host:port>', 'gRPC address to serve').env('TWOPHASE_LISTEN').default(defaults.listen))
    .addOption(
      new Option(
        '--coordinator <host:port|id=host:port,…>',
        'gRPC address of the coordinator; or, for coordinators on a shared decision log, each as id=host:port (comma-separated): an Enlist goes to the coordinator its tx id names, a GetOutcome too and, if it cannot be reached, to the others, which settle the tx in the shared log',
      )
        .env('TWOPHASE_COORDINATOR')
        .default('127.0.0.1:7070'),
    )
    .addOption(new Option('--participant-id <id>', 'the id the coordinator knows this participant by').env('TWOPHASE_PARTICIPANT_ID').default(defaults.participantId))
    .addOption(
      new Option('--branch-idle-ms <ms>', 'abort unprepared work of a tx idle this long').env('TWOPHASE_BRANCH_IDLE_MS').default(String(limits.branchIdleMsMax)),
    )
    .addOption(new Option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (off by default)').env('TWOPHASE_METRICS_LISTEN'))
    .addOption(new Option('--admin', 'serve twophase.v1.Admin (arm failpoints at run time, read counters)').env('TWOPHASE_ADMIN').default(false))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('TWOPHASE_LOG_LEVEL').default('info'))
    .addHelpText('after', '\nFault injection: TWOPHASE_FAILPOINTS="name=action,…" (see `twophase failpoints`).\n');
}

function blobCommand(): Command {
  return commonOptions(
    new Command('blob').description('Run the blob participant: stages uploaded bytes per tx, publishes them content-addressed on commit.'),
    { listen: '127.0.0.1:7071', participantId: 'blob' },
  )
    .addOption(new Option('--data-dir <dir>', 'directory of staging/, objects/ and committed/, and of uploads/ (resumable uploads being received, also with --s3-bucket)').env('TWOPHASE_DATA_DIR').default('.twophase/blob'))
    .addOption(
      new Option('--put-stall-ms <ms>', 'end a Put that receives nothing for this long (DEADLINE_EXCEEDED), dropping its staged bytes')
        .env('TWOPHASE_PUT_STALL_MS')
        .default(String(limits.blobPutStallMsDefault)),
    )
    .addOption(
      new Option('--s3-bucket <bucket>', 'keep the bytes in this S3 bucket instead of --data-dir (staging/, objects/, committed/ under --s3-prefix); credentials from the standard AWS chain (AWS_ACCESS_KEY_ID…, profiles, instance roles)').env(
        'TWOPHASE_S3_BUCKET',
      ),
    )
    .addOption(new Option('--s3-endpoint <url>', 'an S3 API endpoint other than AWS (MinIO, Ceph, moto…), e.g. http://127.0.0.1:9000').env('TWOPHASE_S3_ENDPOINT'))
    .addOption(new Option('--s3-region <region>', 'the bucket\'s region (default: the AWS chain\'s, e.g. AWS_REGION)').env('TWOPHASE_S3_REGION'))
    .addOption(new Option('--s3-prefix <prefix>', 'key prefix of everything the store writes, ending in /; one blob participant per bucket and prefix').env('TWOPHASE_S3_PREFIX'))
    .addOption(new Option('--s3-force-path-style', 'address the bucket in the path (http://host/bucket/key), as most S3 API servers but AWS need').env('TWOPHASE_S3_FORCE_PATH_STYLE').default(false))
    .action(async (opts: Record<string, unknown>) => {
      const settings = parseSettings(
        blobSettingsSchema,
        { ...withAdmin(opts), s3ForcePathStyle: opts.s3ForcePathStyle === true || opts.s3ForcePathStyle === '1' || opts.s3ForcePathStyle === 'true' },
        participantSettingNames,
      );
      // loaded here so that other subcommands start without the resource managers' dependencies
      const { LocalBlobStore } = await import('../participant/blob/local/local-blob-store.js');
      const { blobStoreService } = await import('../participant/blob/blob-store-service.js');
      const { blobUploadsService } = await import('../participant/blob/blob-uploads-service.js');
      const { UploadSessions } = await import('../participant/blob/upload-sessions.js');
      const { runParticipant } = await import('../participant/run-participant.js');
      const s3 = settings.s3Bucket === undefined ? undefined : await import('../participant/blob/s3/s3-blob-store.js');
      await untilLoaded();
      const security = await loadTransportSecurity(opts, { server: true });
      startFailpoints();
      const logger = createLogger('blob', settings.logLevel);
      let store: import('../participant/blob/blob-store.js').BlobStore;
      if (settings.s3Bucket !== undefined && s3 !== undefined) {
        const { S3BlobStore } = s3;
        store = new S3BlobStore({
          bucket: settings.s3Bucket,
          prefix: settings.s3Prefix ?? '',
          client: {
            ...(settings.s3Endpoint === undefined ? {} : { endpoint: settings.s3Endpoint }),
            ...(settings.s3Region === undefined ? {} : { region: settings.s3Region }),
            forcePathStyle: settings.s3ForcePathStyle,
          },
          logger,
          participantId: settings.participantId,
        });
      } else {
        store = new LocalBlobStore({ dataDir: settings.dataDir, logger, participantId: settings.participantId });
      }
      // resumable uploads are received into --data-dir whatever keeps the committed bytes
      await mkdir(settings.dataDir, { recursive: true });
      const lock = await lockDir(settings.dataDir);
      const uploads = new UploadSessions(settings.dataDir, logger);
      const open = await uploads.recover();
      if (open > 0) logger.info({ uploads: open }, 'resumable uploads recovered');
      const running = await runParticipant({
        rm: store,
        services: (work) => [blobStoreService(store, work, logger, { putStallMs: settings.putStallMs }), blobUploadsService(uploads, store, work, logger, { appendStallMs: settings.putStallMs })],
        listen: settings.listen,
        coordinators: settings.coordinator,
        security,
        logger,
        config: { branchIdleMsMax: settings.branchIdleMs },
        admin: settings.admin,
        ...(settings.metricsListen === undefined ? {} : { metricsListen: settings.metricsListen }),
      });
      runUntilSignal('blob participant', async () => {
        await running.stop();
        uploads.close();
        await lock.release();
      });
    });
}

function metadataCommand(): Command {
  return commonOptions(
    new Command('metadata').description(
      'Run the metadata participant: file revisions in PostgreSQL, each tx ended by PREPARE TRANSACTION and COMMIT/ROLLBACK PREPARED.',
    ),
    { listen: '127.0.0.1:7072', participantId: 'metadata' },
  )
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (max_prepared_transactions must be > 0)').env('TWOPHASE_DATABASE_URL'))
    .addOption(new Option('--lock-timeout-ms <ms>', 'how long a write waits for a file held by another tx').env('TWOPHASE_LOCK_TIMEOUT_MS').default(String(limits.metadataLockTimeoutMsDefault)))
    .addOption(
      new Option('--statement-timeout-ms <ms>', 'PostgreSQL ends a statement of ours running this long (statement_timeout; above the lock timeout)')
        .env('TWOPHASE_STATEMENT_TIMEOUT_MS')
        .default(String(limits.metadataStatementTimeoutMsDefault)),
    )
    .addOption(
      new Option('--query-timeout-ms <ms>', 'give up on an answer from PostgreSQL after this long and close the session (at least the statement timeout)')
        .env('TWOPHASE_QUERY_TIMEOUT_MS')
        .default(String(limits.metadataQueryTimeoutMsDefault)),
    )
    .addOption(new Option('--branches-max <n>', 'open branches (database connections) at once').env('TWOPHASE_BRANCHES_MAX').default(String(limits.metadataBranchesMax)))
    .action(async (opts: Record<string, unknown>) => {
      const settings = parseSettings(metadataSettingsSchema, withAdmin(opts), participantSettingNames);
      const { PostgresMetadataStore } = await import('../participant/metadata/postgres-metadata-store.js');
      const { metadataService } = await import('../participant/metadata/metadata-service.js');
      const { runParticipant } = await import('../participant/run-participant.js');
      await untilLoaded();
      const security = await loadTransportSecurity(opts, { server: true });
      startFailpoints();
      const logger = createLogger('metadata', settings.logLevel);
      const store = new PostgresMetadataStore({
        databaseUrl: settings.databaseUrl,
        logger,
        participantId: settings.participantId,
        lockTimeoutMs: settings.lockTimeoutMs,
        statementTimeoutMs: settings.statementTimeoutMs,
        queryTimeoutMs: settings.queryTimeoutMs,
        branchIdleMs: settings.branchIdleMs,
        branchesMax: settings.branchesMax,
      });
      await store.start();
      const running = await runParticipant({
        rm: store,
        services: (work) => [metadataService(store, work, logger)],
        listen: settings.listen,
        coordinators: settings.coordinator,
        security,
        logger,
        // --branches-max bounds the open branches (connections), which the store enforces; prepared
        // ones hold none, so the runtime keeps its own bound on all branches held (limits.branchesMax)
        config: { branchIdleMsMax: settings.branchIdleMs },
        admin: settings.admin,
        ...(settings.metricsListen === undefined ? {} : { metricsListen: settings.metricsListen }),
      });
      runUntilSignal('metadata participant', () => running.stop());
    });
}

export function participantCommand(): Command {
  return new Command('participant')
    .description('Run a participant (resource manager) of two-phase commit.')
    .addCommand(blobCommand())
    .addCommand(metadataCommand());
}
