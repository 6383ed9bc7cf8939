import { contractRateLimits, type ClientEventName, type RateLimit } from '../contract/index.js';
import type { Clock } from '../ports/clock.js';
import { BoundedMap } from './bounded-map.js';

/**
 * A token bucket: `capacity` events at once, refilled continuously so that the long-run rate
 * is `capacity` per `perMs`. Time comes from the injected clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  tryTake(): boolean {
    if (!this.has()) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether a token is there, without taking it. */
  has(): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.perMs);
    this.updatedAt = now;
    return this.tokens >= 1;
  }
}

/** The buckets of one connection: one for all events, one per limited event. */
export class ConnectionRateLimiter {
  private readonly all: TokenBucket;
  private readonly perEvent = new Map<ClientEventName, TokenBucket>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limits = contractRateLimits,
  ) {
    this.all = new TokenBucket(limits.all.count, limits.all.perMs, clock);
  }

  /**
   * Whether an event may be processed now. Every event counts against the combined limit;
   * a known event (`event` given) also against its own.
   */
  allow(event?: ClientEventName): boolean {
    if (!this.all.tryTake()) return false;
    if (event === undefined) return true;
    const limit = this.limits[event];
    if (!limit) return true;
    let bucket = this.perEvent.get(event);
    if (!bucket) {
      bucket = new TokenBucket(limit.count, limit.perMs, this.clock);
      this.perEvent.set(event, bucket);
    }
    return bucket.tryTake();
  }
}

/** One bucket per key (a client address), holding at most `maxKeys` keys. */
export class KeyedRateLimiter {
  private readonly buckets: BoundedMap<string, TokenBucket>;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limit: RateLimit,
    maxKeys = 1000,
  ) {
    this.buckets = new BoundedMap(maxKeys);
  }

  allow(key: string): boolean {
    return this.bucketOf(key).tryTake();
  }

  /** Whether `key` has a token left, without taking it. */
  has(key: string): boolean {
    return this.buckets.get(key)?.has() ?? true;
  }

  private bucketOf(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limit.count, this.limit.perMs, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
