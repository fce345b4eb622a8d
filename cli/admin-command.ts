import { Command, Option } from 'commander';
import { withTlsOptions } from './tls-options.js';
import type { TlsFiles, TlsMaterial } from '../lib/tls/tls-material.js';
import { isPostgresUrl } from '../lib/config/postgres-url.js';
import { ConfigError } from '../lib/config/config-error.js';
import { collectRepeated } from '../lib/config/collect-repeated.js';

const coordinatorOption = (): Option => new Option('--coordinator <host:port>', 'gRPC address of the coordinator').env('TWOPHASE_COORDINATOR').default('127.0.0.1:7070');
const participantOption = (what: string): Option => new Option('--participant <id=host:port>', what).argParser(collectRepeated);
const jsonOption = (): Option => new Option('--json', 'print JSON instead of a table').default(false);

const age = (ms: number): string => (ms < 1_000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1_000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);

/** The admin identity's TLS material, from --tls-*; undefined for plaintext. */
async function adminTls(opts: TlsFiles): Promise<TlsMaterial | undefined> {
  const { loadTlsMaterial } = await import('../lib/tls/tls-material.js');
  return loadTlsMaterial(opts);
}

/** `twophase admin …`: operators' tools over the Admin, Coordinator and Participant services. */
export function adminCommand(): Command {
  const admin = new Command('admin').description('Operators\' tools: list unfinished transactions and in-doubt branches, read counters, decide a stuck transaction.');

  withTlsOptions(admin.command('txs'), { server: false })
    .description('List the coordinator\'s unfinished transactions, oldest first: state, age, participants, and those that have not acked the decision (Admin.ListTransactions; the coordinator must run with --admin).')
    .addOption(coordinatorOption())
    .addOption(jsonOption())
    .action(async (opts: { coordinator: string; json: boolean } & TlsFiles) => {
      const { listTransactions } = await import('./admin/admin-tools.js');
      const { textTable } = await import('../lib/text-table/text-table.js');
      const txs = await listTransactions(opts.coordinator, await adminTls(opts));
      if (opts.json) return void console.log(JSON.stringify(txs, null, 2));
      if (txs.length === 0) return void console.log('no unfinished transactions');
      console.log(textTable(['tx', 'state', 'age', 'participants', 'not acked'], txs.map((tx) => [tx.txId, tx.state, age(tx.ageMs), tx.participants.join(','), tx.pending.join(',')]), ['left', 'left', 'right', 'left', 'left']));
    });

  withTlsOptions(admin.command('in-doubt'), { server: false })
    .description('List the branches in doubt at every participant (voted yes, decision not known yet), oldest first (Participant.ListInDoubt). The participants are the --participant ones, or else those the coordinator was configured with.')
    .addOption(coordinatorOption())
    .addOption(participantOption('a participant to ask, instead of the coordinator\'s list (repeat)'))
    .addOption(jsonOption())
    .action(async (opts: { coordinator: string; participant?: string[]; json: boolean } & TlsFiles) => {
      const { coordinatorParticipants, listInDoubt, parseParticipants } = await import('./admin/admin-tools.js');
      const { textTable } = await import('../lib/text-table/text-table.js');
      const tls = await adminTls(opts);
      const targets = opts.participant === undefined ? await coordinatorParticipants(opts.coordinator, tls) : parseParticipants(opts.participant);
      const rows = await listInDoubt(targets, tls);
      if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return void console.log(`no branch in doubt at ${targets.map((t) => t.id).join(', ')}`);
      console.log(textTable(['participant', 'tx', 'prepared at', 'in doubt for'], rows.map((r) => [r.participant, r.txId, new Date(r.preparedUnixMs).toISOString(), age(r.ageMs)]), ['left', 'left', 'left', 'right']));
    });

  withTlsOptions(admin.command('stats'), { server: false })
    .description('Print the counters of the coordinator and each participant (Admin.GetStats; each must run with --admin).')
    .addOption(coordinatorOption())
    .addOption(participantOption('a participant to read too (repeat); default: those the coordinator was configured with'))
    .addOption(jsonOption())
    .action(async (opts: { coordinator: string; participant?: string[]; json: boolean } & TlsFiles) => {
      const { coordinatorParticipants, parseParticipants, stats } = await import('./admin/admin-tools.js');
      const { textTable } = await import('../lib/text-table/text-table.js');
      const tls = await adminTls(opts);
      const participants = opts.participant === undefined ? await coordinatorParticipants(opts.coordinator, tls) : parseParticipants(opts.participant);
      const all = await stats([{ id: 'coordinator', address: opts.coordinator }, ...participants], tls);
      if (opts.json) return void console.log(JSON.stringify(all, null, 2));
      const rows = all.flatMap(({ target, stats: values }) => Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => [target, name, String(value)]));
      console.log(textTable(['process', 'counter', 'value'], rows, ['left', 'left', 'right']));
    });

  withTlsOptions(admin.command('resolve'), { server: false })
    .description(
      "Decide a transaction left in doubt, as an operator, with the coordinator stopped (2PC's blocking case: a coordinator that cannot come back soon). --commit appends a commit record marked heuristic, with the reason, to the coordinator's decision log; the coordinator re-drives it once started. Refused unless every --participant holds the tx in doubt. --abort aborts the branch at each --participant now; refused when the log holds a commit of the tx. Each decision is also appended to <data-dir>/heuristic-decisions.jsonl. With --decision-log (a coordinator on a shared decision log) the decision is a compare-and-set on the tx's row instead, which holds the reason: --abort is safe with coordinators running; --commit still needs the owning coordinator stopped (its --data-dir's lock shows it). Exit 1 when refused.",
    )
    .argument('<txId>', 'the transaction')
    .addOption(new Option('--commit', 'decide commit').conflicts('abort'))
    .addOption(new Option('--abort', 'decide abort').conflicts('commit'))
    .addOption(new Option('--reason <text>', 'why, for the audit record (required)'))
    .addOption(new Option('--data-dir <dir>', "the coordinator's --data-dir (its decision log)").env('TWOPHASE_DATA_DIR').default('.twophase/coordinator'))
    .addOption(
      new Option(
        '--decision-log <url>',
        "the coordinator's shared decision log (its --decision-log postgres://…): the decision is a compare-and-set on the tx's row, which keeps the reason; --abort is safe with coordinators running, --commit takes the stopped owner's --data-dir lock",
      ).env('TWOPHASE_DECISION_LOG'),
    )
    .addOption(new Option('--coordinator-id <id>', 'with --decision-log: the coordinator that re-drives a --commit when it starts (the one that began the tx)').env('TWOPHASE_COORDINATOR_ID').default('coordinator'))
    .addOption(participantOption('a participant of the tx, id=host:port (repeat; every one must hold it in doubt for --commit)'))
    .addOption(jsonOption())
    .action(async (txId: string, opts: { commit?: boolean; abort?: boolean; reason?: string; dataDir: string; decisionLog?: string; coordinatorId: string; participant?: string[]; json: boolean } & TlsFiles) => {
      if (opts.commit !== true && opts.abort !== true) throw new ConfigError('admin resolve: say --commit or --abort', 'decision');
      if (opts.reason === undefined || opts.reason.trim() === '') throw new ConfigError('admin resolve: --reason is required: it is the audit record of the decision', 'reason');
      const { parseParticipants, resolve, ResolveRefusedError } = await import('./admin/admin-tools.js');
      try {
        const sharedLog = opts.decisionLog === undefined || opts.decisionLog === 'file' ? undefined : { databaseUrl: opts.decisionLog, coordinatorId: opts.coordinatorId };
        if (sharedLog !== undefined && !isPostgresUrl(sharedLog.databaseUrl)) throw new ConfigError('admin resolve: --decision-log is the postgres:// URL of the shared decision log', 'decisionLog');
        const result = await resolve({ dataDir: opts.dataDir, txId, decision: opts.commit === true ? 'commit' : 'abort', reason: opts.reason, participants: parseParticipants(opts.participant ?? []), tls: await adminTls(opts), sharedLog });
        if (opts.json) return void console.log(JSON.stringify(result, null, 2));
        if (result.action === 'already-committed') console.log(`${txId} is committed already (its commit is in the decision log); the coordinator re-drives it to ${result.participants.join(', ')}`);
        else if (result.action === 'recorded' && sharedLog !== undefined)
          console.log(`${txId}: commit recorded in the shared decision log (heuristic: ${opts.reason}); ${result.participants.join(', ')} hear it from any coordinator they ask, and ${sharedLog.coordinatorId} re-drives it when it starts`);
        else if (result.action === 'recorded') console.log(`${txId}: commit recorded in the decision log (heuristic: ${opts.reason}); start the coordinator, and it commits the branches at ${result.participants.join(', ')}`);
        else console.log(`${txId}: aborted at ${result.participants.length === 0 ? 'no participant (none held it in doubt)' : result.participants.join(', ')}`);
      } catch (err) {
        if (!(err instanceof ResolveRefusedError)) throw err;
        process.stderr.write(`twophase admin resolve: refused: ${err.message}\n`);
        process.exit(1);
      }
    });

  return admin;
}
