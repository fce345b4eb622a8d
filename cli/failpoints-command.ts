import { Command } from 'commander';
import { failpointGrammar, listFailpoints } from '../lib/failpoints/failpoints.js';
import './all-failpoints.js';

export function failpointsCommand(): Command {
  return new Command('failpoints')
    .description('List every fault-injection point of every twophase process, and the TWOPHASE_FAILPOINTS grammar.')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const points = listFailpoints();
      if (opts.json === true) {
        console.log(JSON.stringify(points, null, 2));
        return;
      }
      const width = Math.max(...points.map((p) => p.name.length));
      for (const p of points) console.log(`${p.name.padEnd(width)}  ${p.description}`);
      console.log(`\n${points.length} failpoints.\n\n${failpointGrammar}`);
    });
}
