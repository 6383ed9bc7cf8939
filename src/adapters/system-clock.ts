import type { Clock } from '../ports/clock.js';

/** Node's longest timer; a longer wait would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The machine's clock and Node's timers. The timers never hold the process open on their own
 * (unref): every component cancels its own when it stops, and the server's sockets are what
 * keep the process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, Math.min(Math.max(0, ms), MAX_DELAY_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
  every(ms, callback) {
    const timer = setInterval(callback, Math.min(Math.max(1, ms), MAX_DELAY_MS));
    timer.unref();
    return () => clearInterval(timer);
  },
};
