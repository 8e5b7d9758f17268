import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/** Building blocks for environment schemas: every value arrives as a string. */
export const env = {
  port: () => z.coerce.number().int('must be an integer').min(0).max(65535, 'must be a TCP port'),
  positiveInt: () => z.coerce.number().int('must be an integer').positive('must be positive'),
  nonNegativeInt: () =>
    z.coerce.number().int('must be an integer').nonnegative('must not be negative'),
  boolean: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  url: () => z.url({ error: 'must be a URL' }),
  /** `host:port,host:port` */
  hostPorts: () =>
    z
      .string()
      .min(1, 'must not be empty')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port'))
          .min(1, 'must list at least one host:port'),
      ),
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  nonEmpty: () => z.string().trim().min(1, 'must not be empty'),
  /** A Kafka topic name. */
  topicName: () => z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name'),
  /** A path to a file the process can read (a CA certificate mounted from a secret). */
  readableFile: () =>
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .superRefine((path, ctx) => {
        const problem = unreadableBecause(path);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
  /** Prefix of index and alias names (tests own theirs); Elasticsearch names are lowercase. */
  indexPrefix: () =>
    z
      .string()
      .regex(/^[a-z0-9_.-]*$/, 'must be lowercase letters, digits, _ . -')
      .default(''),
};

function unreadableBecause(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return `${path} is not a file`;
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${path} does not exist` : `${path} is not readable (${code})`;
  }
}
