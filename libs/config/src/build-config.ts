import { ConfigError, type ConfigProblem } from './config-error';

type Sections = Record<string, () => unknown>;
type Built<S extends Sections> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * Builds a nested configuration from independent sections and reports the
 * problems of every section at once, not only the first one to fail.
 */
export function buildConfig<S extends Sections>(sections: S): Built<S> {
  const problems: ConfigProblem[] = [];
  const built: Partial<Record<keyof S, unknown>> = {};
  for (const [key, build] of Object.entries(sections) as [keyof S, () => unknown][]) {
    try {
      built[key] = build();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return built as Built<S>;
}
