import { describe, expect, it } from 'vitest';
import type { LargeUploadReport, PeakRss } from '../../bench/bench-report.js';
import { formatLargeUpload } from '../../bench/format-large-upload.js';
import { largeUploadGoal } from '../../bench/measure-large-upload.js';
import { cpuUsage } from './bench-report-fixture.js';

const gib = 1024 ** 3;

function peak(part: string, megabytes: number, judged = true): PeakRss {
  return { part, pids: [1], bytes: megabytes * 1e6, startBytes: 60e6, source: 'hwm', judged };
}

/** A 1 GiB upload against a raw disk of 200 MB/s, at `mbPerS`, with these peaks. */
function upload(mbPerS: number | undefined, peakRss: readonly PeakRss[]): LargeUploadReport {
  const bytes = gib;
  return {
    bytes,
    chunkBytes: 1024 ** 2,
    raw: { seconds: bytes / 200e6, mbPerS: 200 },
    twophase: mbPerS === undefined ? undefined : { seconds: bytes / 1e6 / mbPerS, mbPerS, txId: 'tx1' },
    error: mbPerS === undefined ? 'UNAVAILABLE: the blob participant went away' : undefined,
    rateRatio: mbPerS === undefined ? NaN : mbPerS / 200,
    peakRss,
    cpu: cpuUsage({ 'bench (client)': 40, blob: 60 }),
    goal: largeUploadGoal,
  };
}

const small = [peak('bench (client)', 120), peak('blob', 130), peak('postgresql server', 400, false)];

describe('formatLargeUpload', () => {
  it('prints both rates and their ratio, reached at 0.8× the raw rate and every judged process under 150 MB', () => {
    const text = formatLargeUpload(upload(170, small), 2).join('\n');
    expect(text).toMatch(/^raw disk +5\.37 +200\.0$/m);
    expect(text).toMatch(/^twophase +6\.32 +170\.0 +tx tx1$/m);
    expect(text).toMatch(/^twophase ÷ raw +0\.85× +goal ≥ 0\.8×: reached$/m);
    expect(text).toMatch(/^blob +1 +60\.0 +130\.0 +< 150 +reached$/m);
    expect(text).toMatch(/< 150 MB: reached$/m);
  });

  it('does not hold PostgreSQL to the memory goal', () => {
    const text = formatLargeUpload(upload(170, small), 2).join('\n');
    expect(text).toMatch(/^postgresql server +1 +60\.0 +400\.0 +not judged/m);
    expect(text).not.toContain('NOT REACHED');
  });

  it('is NOT REACHED below 0.8× the raw rate, or with one judged process at 150 MB or more', () => {
    expect(formatLargeUpload(upload(150, small), 2).join('\n')).toMatch(/^twophase ÷ raw +0\.75× +goal ≥ 0\.8×: NOT REACHED$/m);
    const big = formatLargeUpload(upload(170, [...small, peak('coordinator', 150)]), 2).join('\n');
    expect(big).toMatch(/^coordinator +1 +60\.0 +150\.0 +< 150 +NOT REACHED$/m);
    expect(big).toMatch(/< 150 MB: NOT REACHED$/m);
  });

  it('marks a peak sampled from VmRSS, where the kernel refused to reset its own', () => {
    const text = formatLargeUpload(upload(170, [{ ...peak('gateway', 90), source: 'sampled' }]), 2).join('\n');
    expect(text).toMatch(/^gateway +1 +60\.0 +~90\.0 +< 150 +reached$/m);
  });

  it('says why a failed upload reached neither goal', () => {
    const text = formatLargeUpload(upload(undefined, small), 2).join('\n');
    expect(text).toMatch(/^twophase +- +- +failed: UNAVAILABLE: the blob participant went away$/m);
    expect(text).toMatch(/goal ≥ 0\.8×: NOT REACHED$/m);
    expect(text).toMatch(/< 150 MB: NOT REACHED$/m);
  });
});
