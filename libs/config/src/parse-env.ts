import { z } from 'zod';
import { ConfigError } from './config-error';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment against a schema whose keys are variable names.
 * Empty strings count as unset, so `FOO=` falls back to the default.
 * Throws one ConfigError naming every variable at fault.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: EnvSource,
): z.infer<z.ZodObject<Shape>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message:
        issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  );
}
