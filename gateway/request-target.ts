import type { FastifyRequest } from 'fastify';
import { namespaceProblem } from '../lib/file-path/namespace-problem.js';
import { normalizePath } from '../lib/file-path/normalize-path.js';
import { InvalidArgumentError } from '../sdk/index.js';

/** A request header's value (the first, if repeated), or undefined. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The namespace, or InvalidArgumentError (400) saying what is wrong with it. */
export function validNamespace(namespace: string): string {
  const problem = namespaceProblem(namespace);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return namespace;
}

/** A file's namespace and normalized path, or InvalidArgumentError (400). */
export function fileTarget(namespace: string, rawPath: string): { namespace: string; path: string } {
  const valid = validNamespace(namespace);
  try {
    return { namespace: valid, path: normalizePath(rawPath) };
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}
