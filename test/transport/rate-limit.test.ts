import { describe, expect, it } from 'vitest';
import { contractRateLimits } from '../../src/contract/index.js';
import { ConnectionRateLimiter, KeyedRateLimiter, TokenBucket } from '../../src/transport/rate-limit.js';
import { ManualClock } from '../support/manual-clock.js';


/** How many of `attempts` calls were allowed, all at the same instant. */
function allowedOf(attempts: number, allow: () => boolean): number {
  let allowed = 0;
  for (let i = 0; i < attempts; i += 1) if (allow()) allowed += 1;
  return allowed;
}

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refuses', () => {
    const clock = new ManualClock(1_000_000);
    const bucket = new TokenBucket(3, 1000, clock);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('refills continuously at capacity per interval', () => {
    const clock = new ManualClock(1_000_000);
    const bucket = new TokenBucket(2, 1000, clock);
    expect(allowedOf(2, () => bucket.tryTake())).toBe(2);
    clock.advance(250);
    expect(bucket.tryTake()).toBe(false); // half a token
    clock.advance(250);
    expect(bucket.tryTake()).toBe(true); // one whole token after 500 ms
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than its capacity, however long it waited', () => {
    const clock = new ManualClock(1_000_000);
    const bucket = new TokenBucket(3, 1000, clock);
    expect(allowedOf(3, () => bucket.tryTake())).toBe(3);
    clock.advance(3_600_000);
    expect(allowedOf(10, () => bucket.tryTake())).toBe(3);
  });

  it('gains nothing when the clock goes backwards', () => {
    const clock = new ManualClock(1_000_000);
    const bucket = new TokenBucket(1, 1000, clock);
    expect(bucket.tryTake()).toBe(true);
    clock.advance(-5000);
    expect(bucket.tryTake()).toBe(false);
  });
});

describe('ConnectionRateLimiter with the contract limits', () => {
  it('has the limits the contract states', () => {
    expect(contractRateLimits).toEqual({
      all: { count: 50, perMs: 1000 },
      'transaction:submit': { count: 10, perMs: 1000 },
      'gm:identify': { count: 3, perMs: 10_000 },
      'state:request': { count: 1, perMs: 5000 },
      heartbeat: { count: 1, perMs: 1000 },
    });
  });

  it('allows 10 transaction:submit a second', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(allowedOf(15, () => limiter.allow('transaction:submit'))).toBe(10);
    clock.advance(100);
    expect(limiter.allow('transaction:submit')).toBe(true);
    expect(limiter.allow('transaction:submit')).toBe(false);
    clock.advance(1000);
    expect(allowedOf(15, () => limiter.allow('transaction:submit'))).toBe(10);
  });

  it('allows one state:request every 5 seconds', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(limiter.allow('state:request')).toBe(true);
    expect(limiter.allow('state:request')).toBe(false);
    clock.advance(2500);
    expect(limiter.allow('state:request')).toBe(false);
    clock.advance(2500);
    expect(limiter.allow('state:request')).toBe(true);
    expect(limiter.allow('state:request')).toBe(false);
  });

  it('allows one heartbeat a second', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(allowedOf(3, () => limiter.allow('heartbeat'))).toBe(1);
    clock.advance(500);
    expect(limiter.allow('heartbeat')).toBe(false);
    clock.advance(500);
    expect(limiter.allow('heartbeat')).toBe(true);
  });

  it('keeps the per-event limits apart', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(limiter.allow('state:request')).toBe(true);
    expect(limiter.allow('state:request')).toBe(false);
    expect(limiter.allow('heartbeat')).toBe(true);
    expect(limiter.allow('transaction:submit')).toBe(true);
  });

  it('allows 50 events a second in all, whatever they are', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(allowedOf(10, () => limiter.allow('transaction:submit'))).toBe(10);
    expect(allowedOf(39, () => limiter.allow('video:control'))).toBe(39);
    expect(limiter.allow()).toBe(true); // an event outside the contract counts too
    expect(limiter.allow('video:control')).toBe(false);
    expect(limiter.allow('heartbeat')).toBe(false); // its own bucket is full, the combined one is not
    expect(limiter.allow()).toBe(false);
    clock.advance(1000);
    expect(allowedOf(60, () => limiter.allow())).toBe(50);
  });

  it('does not limit an event without its own limit beyond the combined one', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(allowedOf(60, () => limiter.allow('video:control'))).toBe(50);
  });

  it('counts an event refused by its own limit against the combined one', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new ConnectionRateLimiter(clock);
    expect(allowedOf(50, () => limiter.allow('heartbeat'))).toBe(1);
    expect(limiter.allow('video:control')).toBe(false);
  });

  it('takes other limits when given', () => {
    const clock = new ManualClock(1_000_000);
    const limits = { all: { count: 5, perMs: 1000 }, heartbeat: { count: 3, perMs: 1000 } };
    const heartbeats = new ConnectionRateLimiter(clock, limits);
    expect(allowedOf(4, () => heartbeats.allow('heartbeat'))).toBe(3);
    const submits = new ConnectionRateLimiter(clock, limits);
    expect(allowedOf(10, () => submits.allow('transaction:submit'))).toBe(5);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key on its own', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new KeyedRateLimiter(clock, { count: 2, perMs: 1000 });
    expect(allowedOf(5, () => limiter.allow('10.0.0.1'))).toBe(2);
    expect(allowedOf(5, () => limiter.allow('10.0.0.2'))).toBe(2);
    clock.advance(500);
    expect(limiter.allow('10.0.0.1')).toBe(true);
    expect(limiter.allow('10.0.0.1')).toBe(false);
  });

  it('keeps a key while under its bound', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new KeyedRateLimiter(clock, { count: 1, perMs: 60_000 }, 2);
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('b')).toBe(true);
    expect(limiter.allow('a')).toBe(false);
  });

  it('forgets the oldest key past its bound', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new KeyedRateLimiter(clock, { count: 1, perMs: 60_000 }, 2);
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('b')).toBe(true);
    expect(limiter.allow('c')).toBe(true); // evicts a
    expect(limiter.allow('a')).toBe(true); // a fresh bucket; evicts b
    expect(limiter.allow('c')).toBe(false);
    expect(limiter.allow('a')).toBe(false);
    expect(limiter.allow('b')).toBe(true);
  });
});
