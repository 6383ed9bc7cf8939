import type { GameClock } from '../../contract/index.js';
import { readClock, untilNextSecond } from './clock-reading.js';
import { byId } from './render.js';

/** Past the second's turn, so a timer that fires a little early still shows the new second. */
const TURN_MARGIN_MS = 25;

/**
 * The game clock of game-clock.html: the time (left, elapsed or overtime) and the game's state
 * beside it. The server sends the clock only when it changes; a running clock is carried on
 * here, one timer at a time, each set for the next turn of a second, and none while it holds.
 *
 * The time is extrapolated on the server's time, not this device's: each envelope says when the
 * server sent it, and the difference to this device's clock is kept. A Pi without a network
 * time source and a tablet that has one may disagree by minutes or days; the game time must not.
 */
export class GameClockDisplay {
  private clock: GameClock | undefined;
  /** The server's clock minus this device's, from the latest envelope (latency aside). */
  private skewMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly face = byId('game-clock');
  private readonly label = byId('game-clock-label');
  private readonly time = byId('game-clock-time');
  private readonly state = byId('game-clock-state');

  constructor() {
    // A hidden tab's timers are slowed down; coming back shows the right time at once.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.tick();
    });
    this.tick();
  }

  /** Shows the clock of a state; `sentAt` is the envelope's timestamp when it came in one. */
  show(clock: GameClock | undefined, sentAt?: string): void {
    const sent = sentAt === undefined ? Number.NaN : Date.parse(sentAt);
    if (Number.isFinite(sent)) this.skewMs = sent - Date.now();
    this.clock = clock;
    this.tick();
  }

  private tick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now() + this.skewMs;
    const reading = readClock(this.clock, now);
    set(this.label, reading.label);
    set(this.time, reading.time);
    set(this.state, reading.state);
    this.face.classList.toggle('overtime', reading.overtime);
    this.state.dataset.state = reading.state === 'No game' ? 'none' : reading.state.toLowerCase();
    if (reading.running && this.clock) this.timer = setTimeout(() => this.tick(), untilNextSecond(this.clock, now) + TURN_MARGIN_MS);
  }
}

/** Writes only a change, so a second that did not turn touches nothing on the page. */
function set(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
