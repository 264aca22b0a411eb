import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret read from the environment (an HSM PIN) that must never reach a log line, an error message or a JSON
 * dump of the configuration: every way of printing it prints `[redacted]`; only `reveal()` gives the value.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
