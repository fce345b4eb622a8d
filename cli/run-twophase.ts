import { Command, CommanderError } from 'commander';
import { ConfigError } from '../lib/config/config-error.js';
import { coordinatorCommand } from './coordinator-command.js';
import { failpointsCommand } from './failpoints-command.js';
import { participantCommand } from './participant-command.js';
import { gatewayCommand } from './gateway-command.js';
import { devCommand } from './dev-command.js';
import { postgresCommand } from './postgres-command.js';
import { chaosCommand } from './chaos-command.js';
import { adminCommand } from './admin-command.js';
import { certsCommand } from './certs-command.js';
import { tokenCommand } from './token-command.js';
import { syncCommand } from './sync-command.js';
import { quietIpServerNameWarning } from './quiet-ip-servername-warning.js';

/**
 * The `twophase` CLI on `argv` (process.argv's shape): runs the command, and for a failure
 * prints one line and exits, 2 for a configuration error, 1 otherwise. cli/main.ts imports
 * it only after stopWithSupervisor: a child of `twophase dev` must see dev gone while it is
 * still loading all this.
 */
export function runTwophase(argv: readonly string[]): void {
  quietIpServerNameWarning();
  const program = new Command('twophase')
    .description('Two-phase commit for file uploads: the bytes and the metadata change commit atomically, or neither does.')
    .version('0.1.0')
    .addCommand(coordinatorCommand())
    .addCommand(participantCommand())
    .addCommand(gatewayCommand())
    .addCommand(devCommand())
    .addCommand(postgresCommand())
    .addCommand(chaosCommand())
    .addCommand(failpointsCommand())
    .addCommand(adminCommand())
    .addCommand(certsCommand())
    .addCommand(tokenCommand())
    .addCommand(syncCommand())
    .showHelpAfterError();

  program.parseAsync(argv).catch((err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    // configuration and start-up failures: one clear line, exit 2 (usage), no stack trace
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`twophase: ${message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
