import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * STYLE.md rule 5: every limit lives in lib/limits/limits.ts, its unit last, a reason beside
 * it. This finds a number given to a name that says it is a limit — a name ending in a unit
 * or a bound word (`…Max`, `…Ms`, `…Bytes`, `…Timeout`, …) — declared, defaulted or set as a
 * property anywhere else in the code that ships:
 *
 *     const queueDepthMax = 64;        graceMs = 5_000 (a parameter's default)
 *     options.stopTimeoutMs ?? 30_000  { retryDelayMs: 2 * 1_000 }
 *
 * 0 and 1 pass (a sentinel, an identity, "no retry"), and so does a value taken from
 * `limits`. It does not see a bare number passed to a call (`setTimeout(f, 500)`) or a
 * bound inside an expression (`n > 1000`): reading those needs a reviewer, and lint would
 * drown in unit conversions and HTTP statuses.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The code that ships, but for the limits file itself. */
const scannedFolders = ['lib', 'coordinator', 'participant', 'sdk', 'gateway', 'cli'];
const limitsFile = 'lib/limits/limits.ts';

/** Numbers that read like limits and are not (a size fixed by a format), as `path: name`. */
const notLimits = new Set([
  // the size of the frame header (length and CRC32C) of the log's format, not a bound
  'coordinator/log/encode-frame.ts: frameHeaderBytes',
  // the size of a resumable upload's offset record (8 bytes of offset, its CRC32C, padding), a format
  'participant/blob/upload-sessions.ts: offsetRecordBytes',
]);

const limitName = String.raw`\w*(?:Max|Min|Ms|Bytes|Length|Timeout|Attempts|Retries|Size|Default|Base|Interval|Delay|Limit)`;
const numberLiteral = String.raw`\d[\d_]*(?:\.\d+)?(?:\s*\*\*?\s*\d[\d_]*)*`;
/** `name = 64`, `name: 64`, `name: number = 64`, `name ?? 64` (the name's last word a unit or bound). */
const limitLiteral = new RegExp(String.raw`\b(${limitName})\s*(?::\s*number\s*)?(?:=|:|\?\?)\s*(${numberLiteral})(?![\w.])`, 'g');

/** Every `name = <number>` of a limit-like name in `code`, with its line, comments skipped. */
function limitLiterals(code: string): { line: number; name: string; value: string }[] {
  const found: { line: number; name: string; value: string }[] = [];
  code.split('\n').forEach((text, i) => {
    const trimmed = text.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return;
    for (const m of text.matchAll(limitLiteral)) {
      const [, name, value] = m as unknown as [string, string, string];
      if (value === '0' || value === '1') continue;
      found.push({ line: i + 1, name, value });
    }
  });
  return found;
}

function sourceFiles(folder: string): string[] {
  return (readdirSync(join(repoRoot, folder), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(folder, f).split('\\').join('/'));
}

describe('limits live in lib/limits/limits.ts (STYLE.md rule 5)', () => {
  it('finds a limit literal in each way one is written, and not a sentinel, a type or a value from limits', () => {
    const caught = [
      'const queueDepthMax = 64;',
      'export const linkBatchBytesMax = 1024 * 1024;',
      'async stop(graceMs = 5_000) {',
      'constructor(private readonly callTimeoutMs: number = 5_000) {}',
      'this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;',
      "const options = { 'x': 1, retryDelayMs: 2 * 1_000 };",
      'const limits = { blobObjectBytesMax: 5 * 1024 ** 3 };',
    ];
    for (const code of caught) expect(limitLiterals(code), code).toHaveLength(1);
    const passed = [
      'let attempt = 0;',
      "s.live.set(txId, { kind: 'resolving', retryAtMs: 0 });",
      'const callTimeoutMs = limits.sdkCallTimeoutMsDefault;',
      'readonly timeoutMs: number;',
      'durationMs(limits.putStallMsSettingMin, limits.putStallMsSettingMax)',
      '// a comment that says graceMs = 5_000',
      " * so the default is 'timeoutMs: 30_000'",
      'const attempts = policy.attempts > 1;',
    ];
    for (const code of passed) expect(limitLiterals(code), code).toEqual([]);
  });

  it('no limit literal outside the limits file: move it there, unit last, with its reason', () => {
    const outside: string[] = [];
    for (const file of scannedFolders.flatMap(sourceFiles)) {
      if (file === limitsFile) continue;
      for (const { line, name, value } of limitLiterals(readFileSync(join(repoRoot, file), 'utf8'))) {
        if (!notLimits.has(`${file}: ${name}`)) outside.push(`${file}:${line}: ${name} = ${value}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
