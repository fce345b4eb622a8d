import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText } from '../support/prometheus-text.js';

describe('the text-format parser the metrics tests read scrapes with', () => {
  it('reads what prom-client writes: labelled counters and histograms, escaped label values', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'x_total', help: 'a "count"\\n', labelNames: ['path'] as const, registers: [registry] });
    counter.labels('C:\\dir "quoted"\nline').inc(3);
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['outcome'] as const, buckets: [0.1, 1], registers: [registry] });
    histogram.labels('committed').observe(0.05);
    histogram.labels('committed').observe(0.5);
    histogram.labels('aborted').observe(5);
    const families = parsePrometheusText(await registry.metrics());
    expect(families.get('x_total')?.type).toBe('counter');
    expect(families.get('x_total')?.samples).toEqual([{ name: 'x_total', labels: { path: 'C:\\dir "quoted"\nline' }, value: 3 }]);
    const h = families.get('h_seconds');
    expect(h?.type).toBe('histogram');
    const count = (outcome: string) => h?.samples.find((s) => s.name === 'h_seconds_count' && s.labels.outcome === outcome)?.value;
    expect([count('committed'), count('aborted')]).toEqual([2, 1]);
    expect(h?.samples.find((s) => s.name === 'h_seconds_bucket' && s.labels.outcome === 'committed' && s.labels.le === '0.1')?.value).toBe(1);
    expect(h?.samples.find((s) => s.name === 'h_seconds_bucket' && s.labels.outcome === 'aborted' && s.labels.le === '+Inf')?.value).toBe(1);
    expect(families.has('h_seconds_count')).toBe(false);
  });

  it('refuses what is not the format', () => {
    expect(() => parsePrometheusText('x{a="1" 2')).toThrow(/a comma or \} expected/);
    expect(() => parsePrometheusText('x{a="1\\q"} 2')).toThrow(/unknown escape/);
    expect(() => parsePrometheusText('x one')).toThrow(/not a number/);
    expect(() => parsePrometheusText('# TYPE x countr\nx 1')).toThrow(/unknown type/);
    expect(() => parsePrometheusText('{a="1"} 2')).toThrow(/no metric name/);
    expect(parsePrometheusText('# a comment\n\nx 1 1700000000000\ny NaN').get('y')?.samples[0]?.value).toBeNaN();
    // as Prometheus (Go's ParseFloat) reads them: prom-client writes NaN as `Nan`
    expect(parsePrometheusText('y Nan').get('y')?.samples[0]?.value).toBeNaN();
    expect(parsePrometheusText('y -inf').get('y')?.samples[0]?.value).toBe(Number.NEGATIVE_INFINITY);
    expect(() => parsePrometheusText('y nano')).toThrow(/not a number/);
  });
});
