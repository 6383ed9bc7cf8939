import type { Envelope } from '../../contract/index.js';
import type { Clock } from '../../ports/clock.js';

interface AwayStation {
  rooms: ReadonlySet<string>;
  events: Envelope[];
  overflowed: boolean;
  expiresAt: number;
}

export type Replay = { kind: 'none' } | { kind: 'replay'; events: Envelope[] } | { kind: 'overflow' };

/**
 * What a disconnected GM station missed, kept for a while so that it can catch up when it
 * identifies again: at most `capacity` envelopes in broadcast order; past that, only the
 * fact that it overflowed (it then gets one full sync). Expiry is checked against the clock,
 * so nothing here needs a timer.
 */
export class ReconnectQueue {
  private readonly away = new Map<string, AwayStation>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly windowMs = 30_000,
    private readonly capacity = 100,
  ) {}

  /** Starts keeping what is broadcast to `rooms` for a station that just disconnected. */
  markAway(stationId: string, rooms: Iterable<string>): void {
    this.away.set(stationId, {
      rooms: new Set(rooms),
      events: [],
      overflowed: false,
      expiresAt: this.clock.now() + this.windowMs,
    });
  }

  /** Records an envelope broadcast to `rooms` for every away station in one of them. */
  record(rooms: readonly string[], envelope: Envelope): void {
    if (this.away.size === 0) return;
    this.prune();
    for (const station of this.away.values()) {
      if (station.overflowed || !rooms.some((room) => station.rooms.has(room))) continue;
      if (station.events.length >= this.capacity) {
        station.overflowed = true;
        station.events = [];
      } else station.events.push(envelope);
    }
  }

  /** Moves every away station that was in `from` into `to` as well (a new session started). */
  follow(from: string, to: string): void {
    for (const station of this.away.values()) {
      if (station.rooms.has(from)) station.rooms = new Set([...station.rooms].filter((r) => r !== from).concat(to));
    }
  }

  /** Ends the station's absence and says what it should receive. */
  take(stationId: string): Replay {
    const station = this.away.get(stationId);
    this.away.delete(stationId);
    if (!station || station.expiresAt <= this.clock.now()) return { kind: 'none' };
    if (station.overflowed) return { kind: 'overflow' };
    return { kind: 'replay', events: station.events };
  }

  isAway(stationId: string): boolean {
    const station = this.away.get(stationId);
    return station !== undefined && station.expiresAt > this.clock.now();
  }

  /** Forgets expired stations; returns their ids. */
  prune(): string[] {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const [stationId, station] of this.away) {
      if (station.expiresAt <= now) {
        this.away.delete(stationId);
        expired.push(stationId);
      }
    }
    return expired;
  }
}
