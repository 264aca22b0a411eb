import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Pkcs11Types from 'pkcs11js';
import type { SecretValue } from '../config/secret-value.js';
import { HsmError, HsmOperationError } from './hsm-error.js';

type Pkcs11Module = typeof Pkcs11Types;
type Handle = Buffer;

/** Mechanisms and types of PKCS#11 3.0 that pkcs11js has no constant for. */
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
/** DER of the Ed25519 curve's OID 1.3.101.112, the CKA_EC_PARAMS of an Ed25519 key. */
const ED25519_EC_PARAMS = Buffer.from('06032b6570', 'hex');
const LABEL_PREFIX = 'quanyi/';

export interface Pkcs11Options {
  /** Path of the vendor's PKCS#11 library (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so). */
  readonly module: string;
  /** The slot id as the vendor's tools print it; or select by `tokenLabel`. */
  readonly slot: string | undefined;
  readonly tokenLabel: string | undefined;
  readonly pin: SecretValue;
}

/** What a key is for; the label in the token is `quanyi/<purpose>/<generation>`. */
export type KeyPurpose = 'pii-kek' | 'token-signing' | 'tlog-signing';

export interface TokenKey {
  readonly purpose: KeyPurpose;
  /** Sortable (newer is greater), unique in the token; the newest key of a purpose is the active one. */
  readonly generation: string;
  readonly label: string;
}

/** The native binding is loaded on first use, so installs that never configure an HSM never load it. */
let binding: Pkcs11Module | undefined;
function pkcs11js(): Pkcs11Module {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
  } catch (error) {
    // npm runs pkcs11js's native build only when package.json's allowScripts approves it (it does).
    throw new HsmError('MODULE', 'KEY_PROVIDER', `=pkcs11 needs the pkcs11js native binding, which is not built (${firstLine(error)}): run npm rebuild pkcs11js (needs g++, make and python3)`);
  }
  return binding;
}

/**
 * PKCS#11 libraries are process-wide (C_Initialize once, C_Finalize once), so every open token of one library
 * shares one loaded instance, finalised when the last token on it closes.
 */
const loaded = new Map<string, LoadedLibrary>();

interface LoadedLibrary {
  readonly lib: Pkcs11Types.PKCS11;
  refs: number;
  readonly owned: boolean;
  /**
   * PKCS#11 login state is per application and token: once a session logged in, another C_Login answers
   * CKR_USER_ALREADY_LOGGED_IN whatever the PIN. A digest of the PIN that logged in lets a later open with another
   * PIN be refused all the same.
   */
  readonly loggedIn: Map<string, Buffer>;
}

function acquireLibrary(modulePath: string): Pkcs11Types.PKCS11 {
  const existing = loaded.get(modulePath);
  if (existing) {
    existing.refs += 1;
    return existing.lib;
  }
  if (!fs.existsSync(modulePath)) {
    throw new HsmError('MODULE', 'PKCS11_MODULE', `names no file: ${modulePath} (install the HSM's PKCS#11 library, e.g. apt-get install softhsm2, or fix the path)`);
  }
  const p = pkcs11js();
  const lib = new p.PKCS11();
  try {
    lib.load(modulePath);
  } catch (error) {
    throw new HsmError('MODULE', 'PKCS11_MODULE', `cannot be loaded as a PKCS#11 library: ${modulePath} (${firstLine(error)})`);
  }
  let owned = true;
  try {
    lib.C_Initialize();
  } catch (error) {
    if (codeOf(error) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') owned = false;
    else throw new HsmError('MODULE', 'PKCS11_MODULE', `${modulePath} failed to initialise: ${codeOf(error)} (for SoftHSM2, check SOFTHSM2_CONF and its tokendir)`);
  }
  loaded.set(modulePath, { lib, refs: 1, owned, loggedIn: new Map() });
  return lib;
}

function releaseLibrary(modulePath: string): void {
  const entry = loaded.get(modulePath);
  if (!entry) return;
  entry.refs -= 1;
  if (entry.refs > 0) return;
  loaded.delete(modulePath);
  try {
    if (entry.owned) entry.lib.C_Finalize();
  } finally {
    entry.lib.close();
  }
}

/**
 * One logged-in session on the token that holds Quanyi's keys. Keys are generated in the token, marked sensitive
 * and not extractable, and used through it: Ed25519 signatures (CKM_EDDSA) and AES key wrap (RFC 3394) of the
 * personal-data keys. PKCS#11 calls are synchronous and Node runs one at a time, so one session serves the process.
 */
export class Pkcs11Token {
  private handles = new Map<string, Handle>();
  private closed = false;

  private constructor(
    private readonly lib: Pkcs11Types.PKCS11,
    private readonly options: Pkcs11Options,
    private readonly slot: Handle,
    /** The token's label, for messages. */
    readonly label: string,
    private session: Handle,
  ) {}

  static open(options: Pkcs11Options): Pkcs11Token {
    const lib = acquireLibrary(options.module);
    try {
      const { slot, label } = findSlot(lib, options);
      const session = login(lib, options.module, slot, label, options.pin);
      const token = new Pkcs11Token(lib, options, slot, label, session);
      token.requireMechanisms();
      return token;
    } catch (error) {
      releaseLibrary(options.module);
      throw error;
    }
  }

  /** Keys of a purpose, newest (active) first. */
  keys(purpose: KeyPurpose): TokenKey[] {
    const p = pkcs11js();
    const objectClass = purpose === 'pii-kek' ? p.CKO_SECRET_KEY : p.CKO_PRIVATE_KEY;
    const found = this.call('C_FindObjects', () => this.find([{ type: p.CKA_CLASS, value: objectClass }]));
    const prefix = `${LABEL_PREFIX}${purpose}/`;
    const keys: TokenKey[] = [];
    for (const handle of found) {
      const label = this.call('C_GetAttributeValue', () => this.lib.C_GetAttributeValue(this.session, handle, [{ type: p.CKA_LABEL }]))[0]?.value.toString('utf8');
      if (label?.startsWith(prefix)) keys.push({ purpose, generation: label.slice(prefix.length), label });
    }
    return keys.sort((a, b) => (a.generation < b.generation ? 1 : a.generation > b.generation ? -1 : 0));
  }

  /** A new AES-256 key-encryption key in the token: wraps and unwraps, never encrypts data, never leaves. */
  generateWrappingKey(): TokenKey {
    const p = pkcs11js();
    const key = this.newKey('pii-kek');
    this.call('C_GenerateKey', () =>
      this.lib.C_GenerateKey(this.session, { mechanism: p.CKM_AES_KEY_GEN }, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
        { type: p.CKA_VALUE_LEN, value: 32 },
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_PRIVATE, value: true },
        { type: p.CKA_SENSITIVE, value: true },
        { type: p.CKA_EXTRACTABLE, value: false },
        { type: p.CKA_WRAP, value: true },
        { type: p.CKA_UNWRAP, value: true },
        { type: p.CKA_ENCRYPT, value: false },
        { type: p.CKA_DECRYPT, value: false },
        { type: p.CKA_LABEL, value: key.label },
        { type: p.CKA_ID, value: Buffer.from(key.generation) },
      ]),
    );
    return key;
  }

  /** A new Ed25519 key pair in the token; the private half signs in the token and can never be read out. */
  generateEd25519(purpose: 'token-signing' | 'tlog-signing'): TokenKey {
    const p = pkcs11js();
    const key = this.newKey(purpose);
    const common = [
      { type: p.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_LABEL, value: key.label },
      { type: p.CKA_ID, value: Buffer.from(key.generation) },
    ];
    this.call('C_GenerateKeyPair', () =>
      this.lib.C_GenerateKeyPair(
        this.session,
        { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
        [...common, { type: p.CKA_CLASS, value: p.CKO_PUBLIC_KEY }, { type: p.CKA_EC_PARAMS, value: ED25519_EC_PARAMS }, { type: p.CKA_VERIFY, value: true }],
        [
          ...common,
          { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
          { type: p.CKA_PRIVATE, value: true },
          { type: p.CKA_SENSITIVE, value: true },
          { type: p.CKA_EXTRACTABLE, value: false },
          { type: p.CKA_SIGN, value: true },
        ],
      ),
    );
    return key;
  }

  /** The raw 32-byte Ed25519 public key (CKA_EC_POINT, which tokens give DER-wrapped or raw). */
  ed25519PublicKey(key: TokenKey): Uint8Array {
    const p = pkcs11js();
    const handle = this.handle(key, p.CKO_PUBLIC_KEY);
    const point = this.call('C_GetAttributeValue', () => this.lib.C_GetAttributeValue(this.session, handle, [{ type: p.CKA_EC_POINT }]))[0]!.value;
    if (point.length === 34 && point[0] === 0x04 && point[1] === 0x20) return new Uint8Array(point.subarray(2));
    if (point.length === 32) return new Uint8Array(point);
    throw new HsmError('KEYS', 'PKCS11_TOKEN_LABEL', `key ${key.label} in token "${this.label}" is not an Ed25519 key`);
  }

  /** Pure Ed25519 (RFC 8032) of `data`, computed in the token. */
  signEd25519(key: TokenKey, data: Uint8Array): Uint8Array {
    const p = pkcs11js();
    return this.retrying('C_Sign', () => {
      const handle = this.handle(key, p.CKO_PRIVATE_KEY);
      this.lib.C_SignInit(this.session, { mechanism: CKM_EDDSA }, handle);
      return new Uint8Array(this.lib.C_Sign(this.session, Buffer.from(data), Buffer.alloc(64)));
    });
  }

  /** RFC 3394 AES key wrap of a clear secret under a key-encryption key of the token. */
  wrap(kek: TokenKey, secret: Buffer): Buffer {
    const p = pkcs11js();
    return this.retrying('C_WrapKey', () => {
      const kekHandle = this.handle(kek, p.CKO_SECRET_KEY);
      // The secret enters the token as a session object only long enough to be wrapped.
      const object = this.lib.C_CreateObject(this.session, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_GENERIC_SECRET },
        { type: p.CKA_TOKEN, value: false },
        { type: p.CKA_SENSITIVE, value: false },
        { type: p.CKA_EXTRACTABLE, value: true },
        { type: p.CKA_VALUE, value: secret },
      ]);
      try {
        return Buffer.from(this.lib.C_WrapKey(this.session, { mechanism: p.CKM_AES_KEY_WRAP }, kekHandle, object, Buffer.alloc(secret.length + 8)));
      } finally {
        this.lib.C_DestroyObject(this.session, object);
      }
    });
  }

  /** Unwraps in the token and hands the clear secret to the process (the vault encrypts in software). */
  unwrap(kek: TokenKey, wrapped: Buffer): Buffer {
    const p = pkcs11js();
    return this.retrying('C_UnwrapKey', () => {
      const kekHandle = this.handle(kek, p.CKO_SECRET_KEY);
      const object = this.lib.C_UnwrapKey(this.session, { mechanism: p.CKM_AES_KEY_WRAP }, kekHandle, wrapped, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_GENERIC_SECRET },
        { type: p.CKA_TOKEN, value: false },
        { type: p.CKA_SENSITIVE, value: false },
        { type: p.CKA_EXTRACTABLE, value: true },
      ]);
      try {
        return Buffer.from(this.lib.C_GetAttributeValue(this.session, object, [{ type: p.CKA_VALUE }])[0]!.value);
      } finally {
        this.lib.C_DestroyObject(this.session, object);
      }
    });
  }

  /**
   * Reads attributes of a key's object as the token answers them: for audits and tests that check the private
   * and wrapping keys are sensitive and refuse to give their value (CKR_ATTRIBUTE_SENSITIVE).
   */
  readAttributes(key: TokenKey, types: readonly number[]): { type: number; value: Buffer }[] {
    const p = pkcs11js();
    const handle = this.handle(key, key.purpose === 'pii-kek' ? p.CKO_SECRET_KEY : p.CKO_PRIVATE_KEY);
    return this.call('C_GetAttributeValue', () => this.lib.C_GetAttributeValue(this.session, handle, types.map((type) => ({ type }))));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.lib.C_CloseSession(this.session);
    } catch {
      // The session is gone already (device removed); finalising below still releases the library.
    }
    releaseLibrary(this.options.module);
  }

  private newKey(purpose: KeyPurpose): TokenKey {
    const taken = new Set(this.keys(purpose).map((k) => k.generation));
    let generation: string;
    do generation = `${Date.now().toString(36).padStart(9, '0')}${randomBytes(3).toString('hex')}`;
    while (taken.has(generation));
    return { purpose, generation, label: `${LABEL_PREFIX}${purpose}/${generation}` };
  }

  private handle(key: TokenKey, objectClass: number): Handle {
    const cacheKey = `${objectClass}:${key.label}`;
    const cached = this.handles.get(cacheKey);
    if (cached) return cached;
    const p = pkcs11js();
    const [handle] = this.find([
      { type: p.CKA_CLASS, value: objectClass },
      { type: p.CKA_LABEL, value: key.label },
    ]);
    if (!handle) throw new HsmError('KEYS', 'PKCS11_TOKEN_LABEL', `token "${this.label}" holds no ${key.label}; run: quanyi keys hsm init`);
    this.handles.set(cacheKey, handle);
    return handle;
  }

  private find(template: Pkcs11Types.Template): Handle[] {
    this.lib.C_FindObjectsInit(this.session, template);
    try {
      const all: Handle[] = [];
      for (let batch = this.lib.C_FindObjects(this.session, 100); batch.length > 0; batch = this.lib.C_FindObjects(this.session, 100)) all.push(...batch);
      return all;
    } finally {
      this.lib.C_FindObjectsFinal(this.session);
    }
  }

  private requireMechanisms(): void {
    const mechanisms = this.lib.C_GetMechanismList(this.slot);
    const p = pkcs11js();
    const missing = [
      [CKM_EDDSA, 'CKM_EDDSA'],
      [CKM_EC_EDWARDS_KEY_PAIR_GEN, 'CKM_EC_EDWARDS_KEY_PAIR_GEN'],
      [p.CKM_AES_KEY_WRAP, 'CKM_AES_KEY_WRAP'],
      [p.CKM_AES_KEY_GEN, 'CKM_AES_KEY_GEN'],
    ].filter(([mechanism]) => !mechanisms.includes(mechanism as number));
    if (missing.length > 0) {
      throw new HsmError('MECHANISM', 'PKCS11_MODULE', `token "${this.label}" lacks ${missing.map(([, name]) => name).join(', ')} (Ed25519 signing and AES key wrap are required)`);
    }
  }

  private call<T>(operation: string, fn: () => T): T {
    if (this.closed) throw new HsmOperationError(operation, 'closed');
    try {
      return fn();
    } catch (error) {
      if (error instanceof HsmError) throw error;
      throw new HsmOperationError(operation, codeOf(error));
    }
  }

  /** Runs `fn`; when the session was lost (token reset, network HSM reconnect), logs in again once and retries. */
  private retrying<T>(operation: string, fn: () => T): T {
    try {
      return this.call(operation, fn);
    } catch (error) {
      if (!(error instanceof HsmOperationError) || !SESSION_LOST.has(error.pkcs11Code)) throw error;
      this.handles = new Map();
      this.session = login(this.lib, this.options.module, this.slot, this.label, this.options.pin);
      return this.call(operation, fn);
    }
  }
}

const SESSION_LOST = new Set(['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_USER_NOT_LOGGED_IN', 'CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID']);

function findSlot(lib: Pkcs11Types.PKCS11, options: Pkcs11Options): { slot: Handle; label: string } {
  const slots = lib.C_GetSlotList(true).map((slot) => ({ slot, id: slotId(slot), label: lib.C_GetTokenInfo(slot).label.trim() }));
  const listed = slots.length === 0 ? 'none' : slots.map((s) => `${s.id} ("${s.label}")`).join(', ');
  if (options.tokenLabel !== undefined) {
    const match = slots.find((s) => s.label === options.tokenLabel && (options.slot === undefined || s.id === options.slot));
    if (!match) throw new HsmError('TOKEN', 'PKCS11_TOKEN_LABEL', `"${options.tokenLabel}" names no token${options.slot === undefined ? '' : ` in slot ${options.slot}`}; tokens present: ${listed}`);
    return match;
  }
  if (options.slot !== undefined) {
    const match = slots.find((s) => s.id === options.slot);
    if (!match) throw new HsmError('TOKEN', 'PKCS11_SLOT', `${options.slot} is not a slot with a token; slots with a token: ${listed}`);
    return match;
  }
  throw new HsmError('TOKEN', 'PKCS11_TOKEN_LABEL', `or PKCS11_SLOT is required to choose the token; tokens present: ${listed}`);
}

function login(lib: Pkcs11Types.PKCS11, modulePath: string, slot: Handle, label: string, pin: SecretValue): Handle {
  const p = pkcs11js();
  const loggedIn = loaded.get(modulePath)?.loggedIn;
  const digest = createHash('sha256').update(pin.reveal()).digest();
  let session: Handle;
  try {
    session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
  } catch (error) {
    throw new HsmError('TOKEN', 'PKCS11_TOKEN_LABEL', `token "${label}" refused a session: ${codeOf(error)}`);
  }
  try {
    lib.C_Login(session, p.CKU_USER, pin.reveal());
  } catch (error) {
    let code = codeOf(error);
    if (code === 'CKR_USER_ALREADY_LOGGED_IN') {
      const previous = loggedIn?.get(slotId(slot));
      if (previous && timingSafeEqual(previous, digest)) return session;
      code = 'CKR_PIN_INCORRECT';
    }
    lib.C_CloseSession(session);
    const hint = code === 'CKR_PIN_LOCKED' ? 'the user PIN is locked; the security officer must unlock it' : 'check the user PIN of this token';
    throw new HsmError('PIN', 'PKCS11_PIN', `was refused by token "${label}" (${code}): ${hint}`);
  }
  loggedIn?.set(slotId(slot), digest);
  return session;
}

/** Slot ids are CK_ULONG handles; they are printed as decimal numbers by softhsm2-util and pkcs11-tool. */
function slotId(slot: Handle): string {
  return (slot.length >= 8 ? slot.readBigUInt64LE(0) : BigInt(slot.readUInt32LE(0))).toString();
}

function codeOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /CKR_[A-Z_]+/.exec(message)?.[0] ?? firstLine(error);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
