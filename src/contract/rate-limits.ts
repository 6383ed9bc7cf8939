import type { ClientEventName } from './events.js';

export interface RateLimit {
  readonly count: number;
  readonly perMs: number;
}

/** The contract's per-connection limits; an event over its limit is answered RATE_LIMITED. */
export const contractRateLimits: { readonly all: RateLimit } & Partial<Record<ClientEventName, RateLimit>> = {
  all: { count: 50, perMs: 1000 },
  'transaction:submit': { count: 10, perMs: 1000 },
  'state:request': { count: 1, perMs: 5000 },
  heartbeat: { count: 1, perMs: 1000 },
  // Each identify is answered with the whole state (twice: the event and the ack).
  'gm:identify': { count: 3, perMs: 10_000 },
};
