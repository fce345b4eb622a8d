import { dashboard } from '../../deploy/grafana-dashboard.js';

/** Metric names a PromQL expression reads (histogram series back to their family). */
export function metricsOf(expr: string): string[] {
  const names = expr.match(/\b(?:twophase|process)_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

/** Every metric name the dashboard's queries read. */
export function dashboardMetrics(): string[] {
  return [...new Set((dashboard.panels ?? []).flatMap((p) => ('targets' in p ? (p.targets ?? []) : []).flatMap((t) => metricsOf(String((t as { expr?: string }).expr ?? '')))))];
}
