import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { createLogger, lifecycleLogger } from '../lib/logger/logger.js';
import { isProcessAlive } from '../lib/process-alive/is-process-alive.js';
import { runUntilSignal } from './run-until-signal.js';
import { supervisorGone } from '../lib/supervisor/supervised-child.js';
import { limits } from '../lib/limits/limits.js';

/**
 * `twophase postgres`: the embedded PostgreSQL of `twophase dev`, as a process of its own
 * so the supervisor restarts it like any other. It exits when the postmaster dies.
 */
export function postgresCommand(): Command {
  return new Command('postgres')
    .description('Run the embedded PostgreSQL server used by `twophase dev` (max_prepared_transactions set), until SIGTERM.')
    .addOption(new Option('--data-dir <dir>', 'cluster directory (initialised if empty)').env('TWOPHASE_POSTGRES_DATA_DIR').default('.twophase/postgres'))
    .addOption(new Option('--port <port>', 'TCP port on 127.0.0.1').env('TWOPHASE_POSTGRES_PORT').default('54329'))
    .addOption(new Option('--database <names>', 'database to create if missing; several comma-separated (one per metadata shard), the first the one the ready line names').env('TWOPHASE_POSTGRES_DATABASE').default('twophase'))
    .addOption(new Option('--max-prepared-transactions <n>', 'PostgreSQL max_prepared_transactions').default(String(limits.embeddedPostgresPreparedTransactionsDefault)))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('TWOPHASE_LOG_LEVEL').default('info'))
    .action(async (opts: { dataDir: string; port: string; database: string; maxPreparedTransactions: string; logLevel: 'info' }) => {
      const port = Number(opts.port);
      const maxPrepared = Number(opts.maxPreparedTransactions);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid setting --port (TWOPHASE_POSTGRES_PORT): ${opts.port} is not a TCP port`);
      if (!Number.isInteger(maxPrepared) || maxPrepared < 1) throw new Error('invalid setting --max-prepared-transactions: expected a whole number ≥ 1');
      const logger = createLogger('postgres', opts.logLevel);
      const { EmbeddedPostgresServer } = await import('../lib/embedded-postgres/embedded-postgres-server.js');
      const server = new EmbeddedPostgresServer({ dataDir: resolve(opts.dataDir), port, maxPreparedTransactions: maxPrepared, logger });
      await server.start();
      const names = opts.database.split(',').map((n) => n.trim()).filter((n) => n !== '');
      if (names.length === 0) throw new Error('invalid setting --database (TWOPHASE_POSTGRES_DATABASE): expected a database name, or several comma-separated');
      const [url] = await Promise.all(names.map((name) => server.ensureDatabase(name)));
      // the line a supervisor waits for: printed at every log level but silent
      lifecycleLogger(logger).info({ url, pid: server.postmasterPid }, 'postgres ready');
      const pid = server.postmasterPid;
      // a killed postmaster does not tell us: poll, and exit so the supervisor restarts us
      const watch = setInterval(() => {
        if (pid !== undefined && !isProcessAlive(pid)) {
          logger.error({ pid }, 'postmaster died; exiting');
          process.exit(1);
        }
      }, limits.postmasterPollIntervalMs);
      runUntilSignal('postgres', async () => {
        clearInterval(watch);
        // with dev gone this process exits within limits.supervisorGoneExitMs, and the
        // postmaster, which does not watch its parent, must not outlive it
        await server.stop(supervisorGone() ? limits.embeddedPostgresOrphanStopTimeoutMs : undefined);
      });
    });
}
