import { Command, Option } from 'commander';
import { parseSettings } from '../lib/config/parse-settings.js';
import { coordinatorSettingNames, coordinatorSettingsSchema } from '../coordinator/coordinator-settings.js';
import { runCoordinator } from '../coordinator/main.js';
import { limits } from '../lib/limits/limits.js';
import { runUntilSignal } from './run-until-signal.js';
import { startFailpoints } from './start-failpoints.js';
import { withAdmin } from './with-admin.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function coordinatorCommand(): Command {
  return new Command('coordinator')
    .description('Run the transaction coordinator: Begin, Enlist, Commit, Abort, GetOutcome over gRPC, with a durable decision log.')
    .addOption(new Option('--listen <host:port>', 'gRPC address to serve').env('TWOPHASE_LISTEN').default('127.0.0.1:7070'))
    .addOption(new Option('--data-dir <dir>', 'directory of the decision log (must survive restarts)').env('TWOPHASE_DATA_DIR').default('.twophase/coordinator'))
    .addOption(
      new Option('--participant <id=host:port>', 'a participant and its gRPC address; repeat for each (env: comma-separated)')
        .env('TWOPHASE_PARTICIPANTS')
        .argParser(collect),
    )
    .addOption(new Option('--tx-timeout-ms <ms>', 'default lifetime of a tx from Begin to Commit').env('TWOPHASE_TX_TIMEOUT_MS').default(String(limits.txTimeoutMsDefault)))
    .addOption(new Option('--prepare-timeout-ms <ms>', 'how long Commit waits for every vote').env('TWOPHASE_PREPARE_TIMEOUT_MS').default(String(limits.prepareTimeoutMs)))
    .addOption(new Option('--phase2-wait-ms <ms>', 'how long Commit waits for every ack once the decision is durable').env('TWOPHASE_PHASE2_WAIT_MS').default(String(limits.phase2WaitMs)))
    .addOption(new Option('--phase2-call-timeout-ms <ms>', 'deadline of one phase-2 call to a participant').env('TWOPHASE_PHASE2_CALL_TIMEOUT_MS').default(String(limits.phase2CallTimeoutMsDefault)))
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
      '\nFault injection: TWOPHASE_FAILPOINTS="name=action,…" (see `twophase failpoints`). The UNSAFE ones\n(coordinator.unsafe.*) break a guarantee on purpose and are refused unless --unsafe-failpoints is given.\n\nExample:\n  twophase coordinator --listen 127.0.0.1:7070 --data-dir ./data/coordinator \\\n    --participant blob=127.0.0.1:7071 --participant metadata=127.0.0.1:7072\n',
    )
    .action(async (opts: Record<string, unknown>) => {
      const raw = { ...withAdmin(opts), participant: typeof opts.participant === 'string' ? [opts.participant] : (opts.participant ?? []) };
      const settings = parseSettings(coordinatorSettingsSchema, raw, coordinatorSettingNames);
      startFailpoints({ unsafe: opts.unsafeFailpoints === true });
      const running = await runCoordinator(settings);
      runUntilSignal('coordinator', () => running.stop());
    });
}
