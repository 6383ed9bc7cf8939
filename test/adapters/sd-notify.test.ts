import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SdNotify } from '../../src/adapters/systemd/sd-notify.js';

let sent: string[];
const record = (message: string) => {
  sent.push(message);
  return Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SdNotify', () => {
  it('does nothing when not started by systemd (no NOTIFY_SOCKET)', () => {
    const notify = new SdNotify({ WATCHDOG_USEC: '30000000' }, record);
    notify.ready();
    vi.advanceTimersByTime(60_000);
    notify.stopping();
    expect(notify.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('reports readiness, pings the watchdog at half its period and reports stopping', () => {
    const notify = new SdNotify({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' }, record);
    notify.ready();
    expect(sent).toEqual(['READY=1']);
    vi.advanceTimersByTime(15_000);
    expect(sent).toEqual(['READY=1', 'WATCHDOG=1']);
    vi.advanceTimersByTime(30_000);
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
    notify.stopping();
    vi.advanceTimersByTime(60_000);
    expect(sent.at(-1)).toBe('STOPPING=1');
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(3);
  });

  it('sends no pings without a watchdog, and reports send failures', async () => {
    const errors: unknown[] = [];
    const notify = new SdNotify({ NOTIFY_SOCKET: '@notify' }, () => Promise.reject(new Error('no systemd-notify')), (e) => errors.push(e));
    notify.ready();
    vi.advanceTimersByTime(120_000);
    await vi.runAllTimersAsync();
    expect(errors).toHaveLength(1);
  });
});
