import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/** How a setting is spelled for users: its flag and its environment variable. */
export interface SettingName {
  readonly flag: string;
  readonly env: string;
}

/**
 * Validates raw settings (flags merged with TWOPHASE_* variables by commander) against a
 * schema. The first problem becomes a ConfigError naming the flag and variable, so a
 * mistyped deployment fails at start instead of at the first transaction.
 */
export function parseSettings<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, names: Readonly<Record<string, SettingName>>): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const name = names[key];
  const where = name === undefined ? key : `${name.flag} (${name.env})`;
  const given = raw[key] === undefined ? 'nothing' : withoutPasswords(JSON.stringify(raw[key]));
  throw new ConfigError(`invalid setting ${where}: ${issue?.message ?? 'invalid'} (given ${given})`, key);
}

/** A URL's password (`scheme://user:password@host`) is never echoed in an error: `scheme://user:…@host`. */
function withoutPasswords(text: string): string {
  return text.replace(/(\/\/[^:/@\s"]*):[^@/\s"]*@/g, '$1:…@');
}
