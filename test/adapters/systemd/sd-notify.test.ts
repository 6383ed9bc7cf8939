import { beforeEach, describe, expect, it } from 'vitest';
import { SdNotify } from '../../../src/adapters/systemd/sd-notify.js';
import { ManualClock } from '../../support/manual-clock.js';

let clock: ManualClock;

let sent: string[];
const record = (message: string) => {
  sent.push(message);
  return Promise.resolve();
};

beforeEach(() => {
  clock = new ManualClock(0, { timers: 'manual' });
  sent = [];
});

describe('SdNotify', () => {
  it('does nothing when not started by systemd (no NOTIFY_SOCKET)', () => {
    const notify = new SdNotify({ WATCHDOG_USEC: '30000000' }, record, clock);
    notify.ready();
    clock.advance(60_000);
    notify.stopping();
    expect(notify.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('reports readiness, pings the watchdog at half its period and reports stopping', () => {
    const notify = new SdNotify({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' }, record, clock);
    notify.ready();
    expect(sent).toEqual(['READY=1']);
    clock.advance(15_000);
    expect(sent).toEqual(['READY=1', 'WATCHDOG=1']);
    clock.advance(30_000);
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
    notify.stopping();
    clock.advance(60_000);
    expect(sent.at(-1)).toBe('STOPPING=1');
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
  });

  it('sends no pings without a watchdog, and reports send failures', async () => {
    const errors: unknown[] = [];
    const notify = new SdNotify({ NOTIFY_SOCKET: '@notify' }, () => Promise.reject(new Error('no systemd-notify')), clock, (e) => errors.push(e));
    notify.ready();
    clock.advance(120_000);
    expect(clock.pending).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
  });
});
