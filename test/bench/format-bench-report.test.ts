import { describe, expect, it } from 'vitest';
import { formatBenchReport } from '../../bench/format-bench-report.js';
import { benchReport, level } from './bench-report-fixture.js';

describe('formatBenchReport', () => {
  it('prints the level, commit mode and decision log dev ran with in the workload line', () => {
    const report = benchReport({ levels: [level('sdk', 4, 100, 400)], gatewayLevels: [], largeUpload: undefined });
    const text = formatBenchReport(report);
    expect(text).toMatch(/^workload: .*dev --log-level warn --commit-mode two-phase --decision-log file$/m);
    expect(text).toContain('log decision (fdatasync of the file log)');
    const shared = formatBenchReport({ ...report, settings: { ...report.settings, decisionLog: 'shared' } });
    expect(shared).toMatch(/^workload: .*--decision-log shared$/m);
    expect(shared).toContain('log decision (a row inserted in the shared log in PostgreSQL)');
  });

  it('prints the gateway levels in a table of their own, with the same columns and the ratio of the medians', () => {
    const text = formatBenchReport(benchReport({ levels: [level('sdk', 4, 100, 400)], gatewayLevels: [level('gateway', 4, 50, 250)], largeUpload: undefined }));
    const [sdkPart, httpPart] = text.split('through HTTP (the same table, for the gateway levels):');
    expect(sdkPart).toMatch(/^4 +100\.0 .* 400\.0 .* 0\.25× +0\/0$/m);
    expect(httpPart).toMatch(/^4 +50\.0 .* 250\.0 .* 0\.20× +0\/0$/m);
    expect(text).toContain('twophase = PUT /v1/files/… to the gateway');
    expect(text).toContain('baseline = PUT to a naive node:http server');
  });

  it('gives the gateway levels columns of their own in the CPU and counter tables, and the baseline server a row', () => {
    const text = formatBenchReport(benchReport({ levels: [level('sdk', 4, 100, 400)], gatewayLevels: [level('gateway', 4, 50, 250)], largeUpload: undefined }));
    expect(text).toMatch(/^process +idle +2pc c=4 +base c=4 +http 2pc c=4 +http base c=4$/m);
    expect(text).toMatch(/^baseline server +- +- +- +- +30$/m);
    expect(text).toMatch(/^process counter +c=4 +http c=4$/m);
  });

  it('prints the large upload in a section of its own, and with no level a workload line that says so', () => {
    const largeUpload = {
      bytes: 64 * 1024 ** 2,
      chunkBytes: 1024 ** 2,
      raw: { seconds: 0.5, mbPerS: 134.2 },
      twophase: { seconds: 1, mbPerS: 67.1, txId: 'tx1' },
      error: undefined,
      rateRatio: 0.5,
      peakRss: [],
      cpu: undefined,
      goal: { rateRatioMin: 0.8, rssBytesMax: 150e6 },
    };
    const text = formatBenchReport(benchReport({ levels: [], gatewayLevels: [], largeUpload }));
    expect(text).toMatch(/^workload: the large upload alone; compiled CLI, dev --log-level warn --commit-mode two-phase --decision-log file$/m);
    expect(text).toMatch(/^one large upload: 67108864 B/m);
    expect(text).not.toContain('clients  twophase tx/s');
  });

  it('prints only the gateway table and its workload with --no-sdk', () => {
    const text = formatBenchReport(benchReport({ levels: [], gatewayLevels: [level('gateway', 4, 50, 250)], largeUpload: undefined }));
    expect(text).not.toContain('twophase = TwoPhaseClient.uploadFile');
    expect(text).toContain('through HTTP (the same table, for the gateway levels):');
  });
});
