import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { SettingsStore } from '../ports/store.js';

const PASSWORD_HASH_KEY = 'admin.passwordHash';
const TOKEN_KEY_KEY = 'admin.tokenKey';
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

function scrypt(password: string, salt: Buffer, options: ScryptOptions, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(key, expected);
}

export interface AdminAuthOptions {
  settings: SettingsStore;
  /** ADMIN_PASSWORD; when undefined a stored hash is used, or a password is generated. */
  password: string | undefined;
  tokenLifetimeMs?: number;
  /** Shows a generated password to the person starting the server, once. */
  announceGeneratedPassword: (password: string) => void;
}

/** The admin password (kept only as a scrypt hash) and the signed, expiring admin tokens. */
export class AdminAuth {
  private constructor(
    private readonly passwordHash: string,
    private readonly tokenKey: Uint8Array,
    private readonly tokenLifetimeMs: number,
  ) {}

  /**
   * The stored hash is kept while ADMIN_PASSWORD still matches it. A new password (or a
   * generated one) is stored with a new token signing key, so every admin token issued under
   * the old password stops working: changing the password is how staff lock out a leaked login.
   */
  static async create(options: AdminAuthOptions): Promise<AdminAuth> {
    const { settings } = options;
    const stored = settings.getSetting(PASSWORD_HASH_KEY);
    let passwordHash: string;
    let changed = false;
    if (options.password !== undefined) {
      if (stored !== undefined && (await verifyPassword(options.password, stored))) passwordHash = stored;
      else {
        passwordHash = await hashPassword(options.password);
        changed = true;
      }
    } else if (stored !== undefined) {
      passwordHash = stored;
    } else {
      const generated = randomBytes(9).toString('base64url');
      passwordHash = await hashPassword(generated);
      changed = true;
      options.announceGeneratedPassword(generated);
    }
    let tokenKey = settings.getSetting(TOKEN_KEY_KEY);
    if (changed) settings.setSetting(PASSWORD_HASH_KEY, passwordHash);
    if (!tokenKey || changed) {
      tokenKey = randomBytes(32).toString('base64');
      settings.setSetting(TOKEN_KEY_KEY, tokenKey);
    }
    return new AdminAuth(passwordHash, Buffer.from(tokenKey, 'base64'), options.tokenLifetimeMs ?? 12 * 3600_000);
  }

  checkPassword(password: string): Promise<boolean> {
    return verifyPassword(password, this.passwordHash);
  }

  async issueToken(now = Date.now()): Promise<{ token: string; expiresAt: string }> {
    const expires = now + this.tokenLifetimeMs;
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expires / 1000))
      .sign(this.tokenKey);
    return { token, expiresAt: new Date(Math.floor(expires / 1000) * 1000).toISOString() };
  }

  /** The token's expiry (ms since the epoch) when it is a valid admin token; undefined otherwise. */
  async verifyToken(token: string, now = Date.now()): Promise<{ expiresAt: number } | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.tokenKey, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(now),
      });
      if (payload.role !== 'admin' || payload.exp === undefined) return undefined;
      return { expiresAt: payload.exp * 1000 };
    } catch {
      return undefined;
    }
  }
}
