import { transformSync } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';

interface CompiledFile {
  readonly map: SourceMap;
  /** Where the compiled code's first dynamic `import(` is (0-based): tsx appends code after each one, so positions past it are not ours. */
  readonly firstDynamicImport: { readonly line: number; readonly column: number } | undefined;
}

/**
 * The .ts line of a function in a CPU profile of code that tsx ran. tsx compiles each .ts
 * file with esbuild into one line (`minifyWhitespace`; only line breaks inside template
 * literals survive), so a .ts frame of a profile says line 1 (or another small number) and
 * mostly its column tells functions apart. Compiling the file again with the options tsx
 * passes esbuild (tsx 4: `target: node<version>`, `minifyWhitespace`, `keepNames`,
 * `format: esm`, the tsconfig's compilerOptions) gives the same code and its source map,
 * which takes that position back to the source line.
 *
 * A line is given only where the answer is known to be right: not for a file changed since
 * the processes loaded it, nor past a dynamic `import(` (tsx appends a `.then(…)` after
 * each, moving every later position).
 */
export class TsxSourceLines {
  private readonly files = new Map<string, CompiledFile | undefined>();
  private readonly compilerOptions: Record<string, unknown>;

  /**
   * @param repoDir the checkout whose tsconfig.json tsx applied to the files
   * @param loadedAfterMs when the profiled processes started (epoch ms): a file modified later may not be what they ran
   */
  constructor(
    repoDir: string,
    private readonly loadedAfterMs: number,
  ) {
    // tsx applies it to the files its `include` names: every directory the processes run code from
    const tsconfig = JSON.parse(readFileSync(join(repoDir, 'tsconfig.json'), 'utf8')) as { compilerOptions?: Record<string, unknown> };
    this.compilerOptions = tsconfig.compilerOptions ?? {};
  }

  /** The 1-based .ts line of the function V8 placed at (lineNumber, columnNumber) (0-based, of tsx's output), or undefined where that cannot be told for sure. */
  line(path: string, lineNumber: number, columnNumber: number): number | undefined {
    const file = this.compiled(path);
    if (file === undefined) return undefined;
    // the module's own top-level code: the map has no entry for position 0 when the file starts with a comment
    if (lineNumber === 0 && columnNumber === 0) return 1;
    const stop = file.firstDynamicImport;
    if (stop !== undefined && (lineNumber > stop.line || (lineNumber === stop.line && columnNumber >= stop.column))) return undefined;
    const entry = file.map.findEntry(lineNumber, columnNumber);
    return 'originalLine' in entry ? entry.originalLine + 1 : undefined;
  }

  private compiled(path: string): CompiledFile | undefined {
    if (!this.files.has(path)) this.files.set(path, this.compile(path));
    return this.files.get(path);
  }

  private compile(path: string): CompiledFile | undefined {
    try {
      if (statSync(path).mtimeMs > this.loadedAfterMs) return undefined;
      const result = transformSync(readFileSync(path, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: `node${process.versions.node}`,
        sourcemap: 'external',
        sourcesContent: false,
        minifyWhitespace: true,
        keepNames: true,
        sourcefile: path,
        tsconfigRaw: { compilerOptions: this.compilerOptions },
      });
      // an `import(` inside a string counts too: that only gives up lines that were right
      const at = result.code.indexOf('import(');
      const before = result.code.slice(0, Math.max(0, at)).split('\n');
      const firstDynamicImport = at === -1 ? undefined : { line: before.length - 1, column: (before.at(-1) ?? '').length };
      return { map: new SourceMap(JSON.parse(result.map) as SourceMapPayload), firstDynamicImport };
    } catch {
      // a file gone, or one esbuild cannot read: its frames keep no line rather than a wrong one
      return undefined;
    }
  }
}
