/** `npm run gen:dashboard`: writes deploy/grafana-dashboard.json from grafana-dashboard.ts. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboard } from './grafana-dashboard.js';

const file = fileURLToPath(new URL('./grafana-dashboard.json', import.meta.url));
writeFileSync(file, `${JSON.stringify(dashboard, null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
