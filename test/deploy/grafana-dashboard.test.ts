import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// typed as Grafana's own JSON model there (@grafana/schema's Dashboard): `npm run typecheck`
// fails if a field has the wrong type or shape
import { dashboard } from '../../deploy/grafana-dashboard.js';
import { dashboardMetrics } from '../support/dashboard-metrics.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('deploy/grafana-dashboard.json', () => {
  it('is what deploy/grafana-dashboard.ts, checked against the Grafana schema, says (npm run gen:dashboard)', async () => {
    expect(JSON.parse(await readFile(`${root}deploy/grafana-dashboard.json`, 'utf8'))).toEqual(JSON.parse(JSON.stringify(dashboard)));
  });

  it('is a dashboard Grafana loads: unique panel ids, panels on the grid, every query on the Prometheus data source variable', () => {
    expect(dashboard.uid).toBe('twophase');
    const panels = dashboard.panels ?? [];
    expect(panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      const { x = 0, w = 0 } = panel.gridPos ?? {};
      expect(x + w, `${panel.title} fits the 24-column grid`).toBeLessThanOrEqual(24);
      const targets = 'targets' in panel ? (panel.targets ?? []) : [];
      expect(targets.length, panel.title).toBeGreaterThan(0);
      for (const target of targets) expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(dashboard.templating?.list?.map((v) => v.name)).toContain('datasource');
  });

  it('reads only metrics twophase serves (each is checked against live scrapes by test/e2e/metrics)', () => {
    const names = dashboardMetrics();
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(/^(twophase_|process_)/);
  });

  it('is the dashboard the compose Grafana provisions, on the Prometheus the scrape config feeds', async () => {
    const compose = await readFile(`${root}docker-compose.yml`, 'utf8');
    expect(compose).toContain('./deploy/grafana-dashboard.json:/var/lib/grafana/dashboards/twophase.json');
    const scrape = await readFile(`${root}deploy/prometheus.yml`, 'utf8');
    for (const service of ['coordinator', 'blob', 'metadata', 'gateway']) expect(scrape).toContain(`"${service}:9464"`);
  });
});
