import { ConfigError } from '../config/config-error.js';

/**
 * - MODULE: the PKCS#11 library at PKCS11_MODULE cannot be loaded or initialised.
 * - TOKEN: no token in the slot PKCS11_SLOT names, or none labelled PKCS11_TOKEN_LABEL.
 * - PIN: the token refused PKCS11_PIN (wrong, locked, expired).
 * - KEYS: the token or the wrapped key file lacks a key Quanyi needs (run `quanyi keys hsm init`).
 * - MECHANISM: the token cannot do what is needed (EdDSA, AES key wrap).
 */
export type HsmErrorReason = 'MODULE' | 'TOKEN' | 'PIN' | 'KEYS' | 'MECHANISM';

/**
 * A start-up problem with the hardware security module. It is a ConfigError, so the CLI prints its one line and
 * exits 1; the message names the variable to fix and never contains the PIN.
 */
export class HsmError extends ConfigError {
  constructor(
    readonly reason: HsmErrorReason,
    variable: string,
    problem: string,
  ) {
    super(variable, problem);
    this.name = 'HsmError';
  }
}

/** A token operation that failed after start (session lost, device removed); callers answer KEY_STORE_UNAVAILABLE. */
export class HsmOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly pkcs11Code: string,
  ) {
    super(`PKCS#11 ${operation} failed: ${pkcs11Code}`);
    this.name = 'HsmOperationError';
  }
}
