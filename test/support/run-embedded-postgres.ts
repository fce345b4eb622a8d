/**
 * A separate process that starts an embedded PostgreSQL and then waits to be killed, so
 * that a test can reproduce "an earlier run was SIGKILLed and left its server behind".
 * Usage: node --import tsx test/support/run-embedded-postgres.ts <dataDir> <port>
 * Prints one JSON line `{"postmasterPid": n}` once the server accepts connections.
 */
import { EmbeddedPostgresServer } from '../../lib/embedded-postgres/embedded-postgres-server.js';

const [dataDir, port] = process.argv.slice(2);
if (dataDir === undefined || port === undefined) throw new Error('usage: run-embedded-postgres.ts <dataDir> <port>');
const server = new EmbeddedPostgresServer({ dataDir, port: Number(port), maxPreparedTransactions: 8 });
await server.start();
console.log(JSON.stringify({ postmasterPid: server.postmasterPid }));
setInterval(() => undefined, 60_000);
