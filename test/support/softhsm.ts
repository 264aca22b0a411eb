import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where Debian's softhsm2 package puts the PKCS#11 library; SOFTHSM2_MODULE overrides. */
const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

export const SOFTHSM_MODULE = process.env.SOFTHSM2_MODULE ?? MODULE_CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? MODULE_CANDIDATES[0]!;

function utilOnPath(): boolean {
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether SoftHSM2 (a real PKCS#11 token in software) is installed. CI (`.ci/run` sets CI=1 and installs it with
 * apt) must run the HSM tests, so there a missing SoftHSM2 fails; a developer machine without it skips, and says so.
 */
export function softhsmAvailable(): boolean {
  if (utilOnPath() && fs.existsSync(SOFTHSM_MODULE)) return true;
  if (process.env.CI) throw new Error(`SoftHSM2 not found (softhsm2-util, ${SOFTHSM_MODULE}): .ci/run installs it with apt (package softhsm2)`);
  process.stdout.write(`\n[hsm] skipped: no SoftHSM2 (apt-get install softhsm2, or set SOFTHSM2_MODULE)\n`);
  return false;
}

export interface SoftHsmToken {
  readonly label: string;
  readonly pin: string;
  /** The slot id the token was given, as softhsm2-util prints it. */
  readonly slot: string;
}

export interface SoftHsm {
  /** SOFTHSM2_CONF: a config of its own whose tokendir is inside `dir`. */
  readonly conf: string;
  readonly dir: string;
  readonly tokens: readonly SoftHsmToken[];
  /** The environment a child process needs to use these tokens with KEY_PROVIDER=pkcs11 (first token). */
  env(token?: SoftHsmToken): Record<string, string>;
  remove(): void;
}

/**
 * Fresh SoftHSM2 tokens in a temporary directory, one per label. Also points this process's SOFTHSM2_CONF at them:
 * SoftHSM2 reads it when the library initialises, so call this before the first token is opened.
 */
export function createSoftHsm(labels: readonly string[] = ['quanyi-test']): SoftHsm {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-softhsm-'));
  const tokendir = path.join(dir, 'tokens');
  fs.mkdirSync(tokendir);
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokendir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const tokens = labels.map((label) => {
    const pin = randomBytes(6).toString('hex');
    const soPin = randomBytes(6).toString('hex');
    const out = execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], { env, encoding: 'utf8' });
    const slot = /reassigned to slot (\d+)/.exec(out)?.[1];
    if (!slot) throw new Error(`softhsm2-util did not report a slot: ${out}`);
    return { label, pin, slot };
  });
  process.env.SOFTHSM2_CONF = conf;
  return {
    conf,
    dir,
    tokens,
    env: (token = tokens[0]!) => ({
      SOFTHSM2_CONF: conf,
      KEY_PROVIDER: 'pkcs11',
      PKCS11_MODULE: SOFTHSM_MODULE,
      PKCS11_TOKEN_LABEL: token.label,
      PKCS11_PIN: token.pin,
    }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
