// A child for supervisor-standby.test.ts: waits for its promotion as the CLI's long-running
// commands do, then prints its ready line and serves until SIGTERM. Before the promotion
// it prints nothing, so that a line of a standby in its log would show.
import { stopWithSupervisor, untilPromoted } from '../../lib/supervisor/supervised-child.js';

stopWithSupervisor('standby-child');
await untilPromoted();
process.stdout.write(`{"msg":"child ready","pid":${process.pid}}\n`);
const keepAlive = setInterval(() => undefined, 1_000);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  process.stdout.write(`{"msg":"child stopped","pid":${process.pid}}\n`);
  process.exit(0);
});
