import type { RateLimit } from '../../contract/index.js';

/** What one client may send the HTTP API. */
export interface HttpLimits {
  /** JSON bodies larger than this are refused (413) before they are read. */
  bodyBytes: number;
  /** Login attempts per address. */
  logins: RateLimit;
  /** Wrong admin passwords, per address and from all addresses, per minute. */
  loginFailures: { perAddressPerMinute: number; totalPerMinute: number };
  /** Player scanner requests (scans, heartbeats) per address. */
  playerRequests: RateLimit;
}

export const defaultHttpLimits: HttpLimits = {
  bodyBytes: 16 * 1024,
  // A handful per minute: the password cannot be guessed online.
  logins: { count: 10, perMs: 60_000 },
  loginFailures: { perAddressPerMinute: 10, totalPerMinute: 30 },
  // Generous, but a stuck reader cannot flood the log.
  playerRequests: { count: 20, perMs: 1000 },
};
