/** The ids a player scanner makes itself: its device id, kept per browser, and one per scan. */

const DEVICE_KEY = 'player.deviceId';

/** Random hex from the browser's generator, which plain-HTTP pages have too. */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * This browser's scanner id (`PLAYER_` and 12 hex digits), made on its first visit. A browser
 * that keeps nothing (storage refused) gets a new one per page load.
 */
export function deviceId(storage: Storage = localStorage): string {
  try {
    const known = storage.getItem(DEVICE_KEY);
    if (known !== null && /^PLAYER_[0-9a-f]{12}$/.test(known)) return known;
  } catch {
    // storage refused: made below
  }
  const made = `PLAYER_${randomHex(6)}`;
  try {
    storage.setItem(DEVICE_KEY, made);
  } catch {
    // kept for this page only
  }
  return made;
}

/**
 * A new scan's id, a UUID: `crypto.randomUUID` exists only in secure contexts (HTTPS or
 * localhost), so a page opened over the hotspot's plain HTTP builds a version-4 UUID itself.
 */
export function newScanId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const hex = randomHex(16).split('');
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
