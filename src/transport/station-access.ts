import { randomBytes } from 'node:crypto';
import type { SettingsStore } from '../ports/store.js';

const GENERATED_TOKEN_KEY = 'stations.token';

/** Who may be a GM station: anyone on the network (`open`), or holders of the station token. */
export type StationAccess = { open: true } | { open: false; token: string };

/**
 * The station token from STATION_TOKEN: a value, `none` (open, chosen), unset (open, the
 * desktop default), or `generate`: made once (32 random characters) and kept with the game's
 * settings, so every card flashed from one image gets its own.
 */
export function stationAccessOf(setting: string | undefined, settings: SettingsStore): StationAccess {
  if (setting === undefined || setting === 'none') return { open: true };
  if (setting !== 'generate') return { open: false, token: setting };
  let token = settings.getSetting(GENERATED_TOKEN_KEY);
  if (token === undefined) {
    token = randomToken(32);
    settings.setSetting(GENERATED_TOKEN_KEY, token);
  }
  return { open: false, token };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits only: easy to read off the admin page and safe in an environment file. */
function randomToken(length: number): string {
  let token = '';
  while (token.length < length) {
    // 248 = 4 × 62: bytes above it are dropped so that every character is equally likely.
    for (const byte of randomBytes(length * 2)) if (byte < 248 && token.length < length) token += ALPHABET[byte % ALPHABET.length];
  }
  return token;
}
