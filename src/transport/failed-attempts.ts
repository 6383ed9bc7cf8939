import type { Logger } from 'pino';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';
import type { Clock } from '../ports/clock.js';
import { BoundedMap } from './bounded-map.js';
import { LogOncePer } from './log-once.js';

export interface FailedAttemptsOptions {
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** What fails, for the log: "station token", "admin password". */
  what: string;
  /** Failures one address may make per minute before it is refused outright. */
  perAddressPerMinute: number;
  /** Failures all addresses together may make per minute. */
  totalPerMinute: number;
}

const TRUSTED_FOR_MS = 3600_000;
const MAX_TRUSTED = 1000;

/**
 * Failed secrets (station tokens at the Socket.IO handshake, admin passwords at the login):
 * limited per address and in total, and logged once per address per minute. Once an address
 * used up its failures it is refused before its secret is even compared. Once the total is
 * used up (guessing spread over many addresses) only addresses that succeeded within the last
 * hour get in, so the stations already working keep working.
 */
export class FailedAttempts {
  private readonly perAddress: KeyedRateLimiter;
  private readonly total: TokenBucket;
  private readonly logged: LogOncePer;
  /** address → when it last presented the right secret. */
  private readonly trusted = new BoundedMap<string, number>(MAX_TRUSTED);

  constructor(private readonly options: FailedAttemptsOptions) {
    this.perAddress = new KeyedRateLimiter(options.clock, { count: options.perAddressPerMinute, perMs: 60_000 });
    this.total = new TokenBucket(options.totalPerMinute, 60_000, options.clock);
    this.logged = new LogOncePer(options.clock);
  }

  /** Whether an attempt from `address` may be checked at all; a refusal is logged (once a minute). */
  mayTry(address: string): boolean {
    const allowed = this.perAddress.has(address) && (this.total.has() || this.trustedNow(address));
    if (!allowed && this.logged.shouldLog(`refused ${address}`)) {
      this.options.log.warn({ address }, `too many wrong ${this.options.what} attempts: refused for now`);
    }
    return allowed;
  }

  failed(address: string): void {
    this.perAddress.allow(address);
    this.total.tryTake();
    if (this.logged.shouldLog(address)) {
      this.options.log.warn({ address }, `wrong ${this.options.what} (more from this address are logged once a minute)`);
    }
  }

  succeeded(address: string): void {
    this.trusted.delete(address);
    this.trusted.set(address, this.options.clock.now());
  }

  private trustedNow(address: string): boolean {
    const at = this.trusted.get(address);
    return at !== undefined && this.options.clock.now() - at < TRUSTED_FOR_MS;
  }
}
