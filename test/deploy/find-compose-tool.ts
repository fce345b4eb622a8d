import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A service of a compose file as `config` prints it: normalized, variables filled in. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string };
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
  /** v1 prints `source:target:mode` strings, v2 objects. */
  readonly volumes?: readonly (string | { readonly type: string; readonly source?: string; readonly target: string })[];
  /** v1 prints `published` as a number, v2 as a string. */
  readonly ports?: readonly (string | { readonly published?: number | string; readonly target: number })[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly restart?: string;
}

export interface ComposeConfig {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

/** What a run of the tool printed. */
export interface ComposeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** docker-compose v1 (the Debian package), or Compose v2 as `docker-compose` or `docker compose`. */
export interface ComposeTool {
  /** How it is invoked and its version, for messages. */
  readonly description: string;
  /** `config` of the file (or of files, each overriding the one before), with `env` as the whole environment. */
  config(file: string | readonly string[], env: NodeJS.ProcessEnv, args?: readonly string[]): ComposeRun;
  /** The file(s) as the tool reads them, as plain data; throws if the tool rejects them. */
  configJson(file: string | readonly string[], env: NodeJS.ProcessEnv): ComposeConfig;
}

const toolTimeoutMs = 30_000;

/** `-f a -f b …` */
const fileArgs = (file: string | readonly string[]): string[] => (typeof file === 'string' ? [file] : [...file]).flatMap((f) => ['-f', f]);

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, input?: string): ComposeRun {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: toolTimeoutMs, ...(input === undefined ? {} : { input }) });
  // a command that cannot start (ENOENT) has no output, only an error
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr || (result.error?.message ?? '') };
}

function mustSucceed(what: string, result: ComposeRun): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * docker-compose v1 prints its config as YAML only, and no YAML library is installed here.
 * v1 is a Python program that depends on PyYAML, so the interpreter named on its first line
 * can always turn that YAML into JSON.
 */
function v1YamlToJson(executable: string, yamlText: string): string {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(executable, 'utf8').slice(0, 200));
  if (shebang?.[1] === undefined) throw new Error(`${executable} is not a Python script; cannot read its YAML output`);
  const interpreter = shebang[1].endsWith('/env') && shebang[2] !== undefined ? shebang[2] : shebang[1];
  const script = 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';
  return mustSucceed('converting docker-compose config to JSON', run(interpreter, ['-c', script], process.env, yamlText));
}

/**
 * Finds a Compose that can run `config`, which needs no Docker engine; or says why not.
 * Tried in order: `docker-compose` (Debian's package is v1), then `docker compose` (v2).
 */
export function findComposeTool(): ComposeTool | { readonly missing: string } {
  const v1 = run('docker-compose', ['version', '--short']);
  if (v1.status === 0) {
    const version = v1.stdout.trim();
    const path = mustSucceed('command -v docker-compose', run('sh', ['-c', 'command -v docker-compose'])).trim();
    const isV1 = version.startsWith('1.');
    return {
      description: `docker-compose ${version} (${path})`,
      config: (file, env, args = []) => run('docker-compose', [...fileArgs(file), 'config', ...args], env),
      configJson(file, env) {
        if (!isV1) return JSON.parse(mustSucceed('docker-compose config', run('docker-compose', [...fileArgs(file), 'config', '--format', 'json'], env))) as ComposeConfig;
        return JSON.parse(v1YamlToJson(path, mustSucceed('docker-compose config', run('docker-compose', [...fileArgs(file), 'config'], env)))) as ComposeConfig;
      },
    };
  }
  const v2 = run('docker', ['compose', 'version', '--short']);
  if (v2.status === 0) {
    return {
      description: `docker compose ${v2.stdout.trim()}`,
      config: (file, env, args = []) => run('docker', ['compose', ...fileArgs(file), 'config', ...args], env),
      configJson: (file, env) =>
        JSON.parse(mustSucceed('docker compose config', run('docker', ['compose', ...fileArgs(file), 'config', '--format', 'json'], env))) as ComposeConfig,
    };
  }
  return {
    missing:
      'neither `docker-compose` nor `docker compose` is installed (on Debian: apt-get install --no-install-recommends docker-compose); ' +
      `docker-compose: ${v1.stderr.trim() || 'not found'}; docker compose: ${v2.stderr.trim() || 'not found'}`,
  };
}
