/**
 * A start-up problem the operator must fix in the environment. The CLI prints `message` as one line and exits 1,
 * without a stack trace, so the line must name the variable and say what is wrong.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}
