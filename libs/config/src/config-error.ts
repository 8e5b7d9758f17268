export interface ConfigProblem {
  /** The environment variable at fault. */
  variable: string;
  message: string;
}

/** Thrown at start-up when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`,
    );
    this.name = 'ConfigError';
  }
}
