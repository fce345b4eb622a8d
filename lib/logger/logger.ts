import { pino, type Logger } from 'pino';

export type { Logger };

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** One JSON line per event on stdout; every process names itself in `name`. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, base: { name, pid: process.pid } });
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * The logger of a process's lifecycle lines (`gRPC server listening`, `postgres ready`,
 * `coordinator stopped`, …): info lines printed at every level but silent. A supervisor
 * (`twophase dev`, chaos, systemd) learns from them that a process serves, so a process run
 * at warn must still print them, and nothing else at info. Use it for those lines only.
 */
export function lifecycleLogger(logger: Logger): Logger {
  return logger.child({}, { level: logger.level === 'silent' ? 'silent' : 'info' });
}
