import { Command, Option } from 'commander';
import { parseSettings } from '../lib/config/parse-settings.js';
import { coordinatorSettingNames, coordinatorSettingsSchema, defaultLastResource } from '../coordinator/coordinator-settings.js';
import { limits } from '../lib/limits/limits.js';
import { runUntilSignal } from './run-until-signal.js';
import { startFailpoints } from './start-failpoints.js';
import { withAdmin } from './with-admin.js';
import { withTlsOptions } from './tls-options.js';
import { loadTransportSecurity } from '../lib/tls/transport-security.js';
import { untilLoaded } from './until-loaded.js';
import { collectRepeated } from '../lib/config/collect-repeated.js';

export function coordinatorCommand(): Command {
  return withTlsOptions(new Command('coordinator'), { server: true })
    .description('Run the transaction coordinator: Begin, Enlist, Commit, Abort, GetOutcome over gRPC, with a durable decision log.')
    .addOption(new Option('--listen <host:port>', 'gRPC address to serve').env('TWOPHASE_LISTEN').default('127.0.0.1:7070'))
    .addOption(new Option('--data-dir <dir>', 'directory of the decision log (must survive restarts; with a shared log, only its lock)').env('TWOPHASE_DATA_DIR').default('.twophase/coordinator'))
    .addOption(
      new Option(
        '--decision-log <file|url>',
        'file: the decision log in --data-dir. postgres://user:password@host:port/db: a decision log shared by coordinators, a row per decided tx in that database (table twophase_decisions, made if missing); a tx this coordinator does not know is settled there by compare-and-set instead of presumed aborted, and its commits survive the loss of this host (two-phase mode only)',
      )
        .env('TWOPHASE_DECISION_LOG')
        .default('file'),
    )
    .addOption(
      new Option('--coordinator-id <id>', 'this coordinator\'s id: in a shared decision log, the owner of the commits it decides, which it re-drives when it starts (a replacement on another host takes the same id)')
        .env('TWOPHASE_COORDINATOR_ID')
        .default('coordinator'),
    )
    .addOption(
      new Option('--participant <id=host:port>', 'a participant and its gRPC address; repeat for each (env: comma-separated)')
        .env('TWOPHASE_PARTICIPANTS')
        .argParser(collectRepeated),
    )
    .addOption(
      new Option(
        '--commit-mode <mode>',
        'two-phase or last-resource. two-phase: every participant prepares; the commit record synced to the decision log is the commit point. last-resource: every participant but the last resource prepares, then the last resource commits one-phase, and that COMMIT, with the decision marker inside it, is the commit point (no log fsync, no PREPARE TRANSACTION)',
      )
        .env('TWOPHASE_COMMIT_MODE')
        .default('two-phase'),
    )
    .addOption(
      new Option(
        '--last-resource <participantId>',
        `with --commit-mode last-resource: the participant that commits one-phase (default ${defaultLastResource}); one of --participant, whose storage can be the last resource (the metadata participant can, the blob participant cannot)`,
      ).env('TWOPHASE_LAST_RESOURCE'),
    )
    .addOption(new Option('--tx-timeout-ms <ms>', 'default lifetime of a tx from Begin to Commit').env('TWOPHASE_TX_TIMEOUT_MS').default(String(limits.txTimeoutMsDefault)))
    .addOption(new Option('--prepare-timeout-ms <ms>', 'how long Commit waits for every vote').env('TWOPHASE_PREPARE_TIMEOUT_MS').default(String(limits.prepareTimeoutMs)))
    .addOption(new Option('--phase2-wait-ms <ms>', 'how long Commit waits for every ack once the decision is durable').env('TWOPHASE_PHASE2_WAIT_MS').default(String(limits.phase2WaitMs)))
    .addOption(new Option('--phase2-call-timeout-ms <ms>', 'deadline of one phase-2 call to a participant').env('TWOPHASE_PHASE2_CALL_TIMEOUT_MS').default(String(limits.phase2CallTimeoutMsDefault)))
    .addOption(new Option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (off by default)').env('TWOPHASE_METRICS_LISTEN'))
    .addOption(
      new Option(
        '--metadata-shards <ids>',
        'the metadata participants (ids among --participant, comma-separated, in a fixed order) that share the namespaces: a namespace belongs to one by the hash of its name; served to clients with the participants (ListParticipants), so the SDK and the gateway route by it. Two-phase mode only. Default: one, `metadata`',
      ).env('TWOPHASE_METADATA_SHARDS'),
    )
    .addOption(new Option('--admin', 'serve twophase.v1.Admin (arm failpoints at run time, read counters)').env('TWOPHASE_ADMIN').default(false))
    // a flag only, no variable: a deployment's environment must not be able to turn it on
    .addOption(
      new Option(
        '--unsafe-failpoints',
        'allow failpoints that break a guarantee on purpose (coordinator.unsafe.*, for testing the checkers) to be armed by TWOPHASE_FAILPOINTS or Admin; never in production',
      ).default(false),
    )
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('TWOPHASE_LOG_LEVEL').default('info'))
    .addHelpText(
      'after',
      '\nCommit modes: switch between them only with no branch in doubt at any participant (ListInDoubt empty):\neach settles a transaction the coordinator does not hold its own way (two-phase presumes abort,\nlast-resource asks the last resource), so a branch left in doubt by the other could hear the wrong outcome.\n\nFault injection: TWOPHASE_FAILPOINTS="name=action,…" (see `twophase failpoints`). The UNSAFE ones\n(coordinator.unsafe.*) break a guarantee on purpose and are refused unless --unsafe-failpoints is given.\n\nExample:\n  twophase coordinator --listen 127.0.0.1:7070 --data-dir ./data/coordinator \\\n    --participant blob=127.0.0.1:7071 --participant metadata=127.0.0.1:7072\n  twophase coordinator --commit-mode last-resource --last-resource metadata \\\n    --participant blob=127.0.0.1:7071 --participant metadata=127.0.0.1:7072\n',
    )
    .action(async (opts: Record<string, unknown>) => {
      const raw = { ...withAdmin(opts), participant: typeof opts.participant === 'string' ? [opts.participant] : (opts.participant ?? []) };
      const settings = parseSettings(coordinatorSettingsSchema, raw, coordinatorSettingNames);
      // imported when run, not at load: a process loads only the command it runs (start-up time is restart time)
      const { runCoordinator } = await import('../coordinator/main.js');
      await untilLoaded();
      const security = await loadTransportSecurity(opts, { server: true });
      startFailpoints({ unsafe: opts.unsafeFailpoints === true });
      const running = await runCoordinator(settings, security);
      runUntilSignal('coordinator', () => running.stop());
    });
}
