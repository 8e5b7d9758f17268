import pino, { type Logger, type LoggerOptions } from 'pino';
import { activeSpanLogFields } from './tracing';

export type { Logger } from 'pino';

export interface LoggerConfig {
  serviceName: string;
  level: string;
}

/** Paths never written to logs: credentials and member personal data. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'member.member_name',
  '*.member.member_name',
];

/** Structured JSON logs: a constant message plus fields (`trace_id`, `span_id` inside a span). */
export function createLogger(config: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { service: config.serviceName, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: activeSpanLogFields,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A logger whose JSON lines are kept in memory, parsed, with the same fields and redaction as
 * `createLogger`'s: for tests that assert on what a part reports.
 */
export function memoryLogger(
  serviceName: string,
  level = 'debug',
): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { serviceName, level },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}
