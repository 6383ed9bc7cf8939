import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/contract/index.js';
import { ReconnectQueue } from '../../../src/transport/socket/reconnect-queue.js';
import { ManualClock } from '../../support/manual-clock.js';


let counter = 0;
function envelope(): Envelope<'video:status'> {
  counter += 1;
  return { event: 'video:status', data: { status: 'playing', tokenId: `tok${counter}` }, timestamp: new Date(counter).toISOString() };
}

describe('ReconnectQueue', () => {
  it('replays what was broadcast to the rooms of an away station, in order', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['gm', 'session:s1']);
    const first = envelope();
    const second = envelope();
    const third = envelope();
    queue.record(['gm'], first);
    queue.record(['session:s1'], second);
    queue.record(['gm', 'session:s1'], third);
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [first, second, third] });
  });

  it('records nothing for other rooms', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['session:s1']);
    queue.record(['session:s2'], envelope());
    queue.record(['players'], envelope());
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [] });
  });

  it('records only for stations that are away', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.record(['gm'], envelope());
    queue.markAway('GM_A', ['gm']);
    const after = envelope();
    queue.record(['gm'], after);
    expect(queue.take('GM_B')).toEqual({ kind: 'none' });
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [after] });
  });

  it('keeps each away station its own list', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['session:s1']);
    queue.markAway('GM_B', ['session:s2']);
    const forA = envelope();
    const forB = envelope();
    queue.record(['session:s1'], forA);
    queue.record(['session:s2'], forB);
    expect(queue.take('GM_B')).toEqual({ kind: 'replay', events: [forB] });
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [forA] });
  });

  it('ends the absence on take', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['gm']);
    expect(queue.isAway('GM_A')).toBe(true);
    queue.record(['gm'], envelope());
    expect(queue.take('GM_A').kind).toBe('replay');
    expect(queue.isAway('GM_A')).toBe(false);
    queue.record(['gm'], envelope());
    expect(queue.take('GM_A')).toEqual({ kind: 'none' });
  });

  it('replays up to 100 events, and past 100 only says it overflowed', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_FULL', ['gm']);
    queue.markAway('GM_OVER', ['gm']);
    const events = Array.from({ length: 100 }, envelope);
    for (const event of events) queue.record(['gm'], event);
    expect(queue.take('GM_FULL')).toEqual({ kind: 'replay', events });
    queue.record(['gm'], envelope());
    queue.record(['gm'], envelope());
    expect(queue.take('GM_OVER')).toEqual({ kind: 'overflow' });
  });

  it('honours another capacity', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock, 30_000, 2);
    queue.markAway('GM_A', ['gm']);
    for (let i = 0; i < 3; i += 1) queue.record(['gm'], envelope());
    expect(queue.take('GM_A')).toEqual({ kind: 'overflow' });
  });

  it('forgets a station 30 seconds after it went away', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['gm']);
    queue.markAway('GM_B', ['gm']);
    queue.record(['gm'], envelope());
    clock.advance(29_999);
    expect(queue.isAway('GM_A')).toBe(true);
    expect(queue.take('GM_B').kind).toBe('replay');
    clock.advance(1);
    expect(queue.isAway('GM_A')).toBe(false);
    expect(queue.take('GM_A')).toEqual({ kind: 'none' });
  });

  it('marking away again starts a new window and an empty list', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['gm']);
    queue.record(['gm'], envelope());
    clock.advance(20_000);
    queue.markAway('GM_A', ['gm']);
    clock.advance(20_000);
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [] });
  });

  it('follow() moves away stations from one room to another', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock);
    queue.markAway('GM_A', ['gm', 'session:s1']);
    queue.markAway('GM_B', ['gm', 'session:s9']);
    queue.follow('session:s1', 'session:s2');
    const old = envelope();
    const fresh = envelope();
    queue.record(['session:s1'], old);
    queue.record(['session:s2'], fresh);
    expect(queue.take('GM_A')).toEqual({ kind: 'replay', events: [fresh] });
    expect(queue.take('GM_B')).toEqual({ kind: 'replay', events: [] });
  });

  it('prune() forgets expired stations and returns their ids', () => {
    const clock = new ManualClock(1_000_000);
    const queue = new ReconnectQueue(clock, 10_000);
    queue.markAway('GM_A', ['gm']);
    clock.advance(5000);
    queue.markAway('GM_B', ['gm']);
    expect(queue.prune()).toEqual([]);
    clock.advance(5000);
    expect(queue.prune()).toEqual(['GM_A']);
    expect(queue.prune()).toEqual([]);
    expect(queue.isAway('GM_B')).toBe(true);
    clock.advance(5000);
    expect(queue.prune()).toEqual(['GM_B']);
  });
});
