import type { Logger } from 'pino';
import type { DisplayMode, DisplayState, GameClock, GameState, RoomView, Session, SyncFull, Transaction } from '../contract/index.js';
import { groupAnnouncement, nextClockChangeMs, roomView } from '../domain/room-view.js';
import type { Cancel, Clock } from '../ports/clock.js';
import type { ShowNotifier } from '../ports/notifier.js';
import type { RoomDisplay } from '../ports/room-display.js';
import type { RoomControl } from '../ports/room-control.js';
import type { SettingsStore } from '../ports/store.js';
import { Coalescer } from '../transport/coalescer.js';

const MODE_SETTING = 'display.mode';
/** How long a group completion holds the screen before the board returns. */
const ANNOUNCE_MS = 5000;
/** The screens are redrawn at most this often. */
const REDRAW_MS = 1000;
/** Announcements waiting their turn; older ones beyond it are dropped (the board shows the result anyway). */
const MAX_WAITING_ANNOUNCEMENTS = 5;

export interface RoomScreenDeps {
  clock: Clock;
  displays: RoomDisplay[];
  /** The game as it is now. */
  source: () => { session: Session | undefined; state: GameState };
  /** The welcome screen's text lines for a session (where GMs connect). */
  welcomeLines: (session: Session | undefined) => string[];
  /** Keeps the mode staff chose across restarts. */
  settings: SettingsStore;
  /** Staff changed the mode (it is part of the stations' state). */
  modeChanged: () => void;
  logger: Logger;
  announceMs?: number;
  redrawMs?: number;
}

/**
 * What the room sees between clips: listens to the show like the stations do, computes the one
 * view (src/domain/room-view.ts) and hands it to every room display (the TV, `/scoreboard`
 * pages), redrawn at most once a second and only when something visible changed; a running
 * clock is redrawn when its text would change (each minute, each second in the last ten).
 */
export class RoomScreen implements ShowNotifier, RoomControl {
  private mode: DisplayMode;
  private readonly announcements: string[] = [];
  private announcementEnds: Cancel | undefined;
  private clockTick: Cancel | undefined;
  private readonly redraw: Coalescer;
  private shown = '';
  private lastView: RoomView | undefined;
  private stopped = false;
  private message: string | undefined;
  private messageEnds: Cancel | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: RoomScreenDeps) {
    this.log = deps.logger.child({ component: 'room-screen' });
    const saved = deps.settings.getSetting(MODE_SETTING);
    this.mode = saved === 'welcome' ? 'welcome' : 'scoreboard';
    this.redraw = new Coalescer(() => this.draw(), deps.redrawMs ?? REDRAW_MS, deps.clock);
  }

  get display(): DisplayState {
    return this.message === undefined ? { mode: this.mode } : { mode: this.mode, message: this.message };
  }

  showMessage(text: string, seconds: number): void {
    this.messageEnds?.();
    this.message = text;
    this.messageEnds = this.deps.clock.after(seconds * 1000, () => {
      this.message = this.messageEnds = undefined;
      this.changed();
      this.deps.modeChanged();
    });
    this.changed();
    this.deps.modeChanged();
  }

  setMode(mode: DisplayMode): DisplayState {
    if (mode !== this.mode) {
      this.mode = mode;
      this.deps.settings.setSetting(MODE_SETTING, mode);
      this.log.info({ mode }, 'room screens mode changed');
      this.changed();
      this.deps.modeChanged();
    }
    return this.display;
  }

  /** The view as it is now (for a display that just connected). */
  view(): RoomView {
    return this.lastView ?? this.compute(this.deps.source());
  }

  start(): void {
    this.stopped = false;
    this.draw();
  }

  stop(): void {
    this.stopped = true;
    this.redraw.cancel();
    this.clockTick?.();
    this.announcementEnds?.();
    this.messageEnds?.();
  }

  /** Something the room may see changed: redraw soon (at most once a second). */
  changed(): void {
    if (!this.stopped) this.redraw.request();
  }

  // ---- what the show reports -------------------------------------------------------------

  transactionRecorded(transaction: Transaction): void {
    const completed = transaction.groupCompleted;
    if (!completed) return;
    const team = this.deps.source().state.scores.find((score) => score.teamId === transaction.teamId)?.name ?? transaction.teamId;
    this.announcements.push(groupAnnouncement(completed.group, team, completed.bonusPoints));
    if (this.announcements.length > MAX_WAITING_ANNOUNCEMENTS) this.announcements.splice(0, this.announcements.length - MAX_WAITING_ANNOUNCEMENTS);
    if (!this.announcementEnds) this.nextAnnouncement(false);
  }

  transactionUpdated(): void {
    this.changed();
  }

  stateChanged(): void {
    this.changed();
  }

  sessionChanged(_sync: SyncFull): void {
    this.announcements.length = 0;
    this.announcementEnds?.();
    this.announcementEnds = undefined;
    this.changed();
  }

  deviceConnected(): void {}
  deviceDisconnected(): void {}
  videoStatus(): void {}

  // ---- drawing -----------------------------------------------------------------------------

  /** Shows the first waiting announcement for a few seconds (dropping the one shown, when `done`). */
  private nextAnnouncement(done: boolean): void {
    if (done) this.announcements.shift();
    this.announcementEnds = undefined;
    if (this.announcements.length > 0) {
      this.announcementEnds = this.deps.clock.after(this.deps.announceMs ?? ANNOUNCE_MS, () => this.nextAnnouncement(true));
    }
    this.changed();
  }

  private compute({ session, state }: { session: Session | undefined; state: GameState }): RoomView {
    const view = roomView({
      mode: this.mode,
      session,
      scores: state.scores,
      clock: state.clock,
      announcement: this.announcementEnds ? this.announcements[0] : undefined,
      welcomeLines: this.deps.welcomeLines(session),
      now: this.deps.clock.now(),
    });
    return this.message === undefined ? view : { ...view, message: this.message };
  }

  private draw(): void {
    if (this.stopped) return;
    // One read of the game per draw: the view and the clock's next tick come from the same state.
    const game = this.deps.source();
    const view = this.compute(game);
    this.lastView = view;
    const drawn = JSON.stringify(view);
    if (drawn !== this.shown) {
      this.shown = drawn;
      for (const display of this.deps.displays) {
        try {
          display.showRoom(view);
        } catch (error) {
          this.log.error({ err: error }, 'a room display failed to draw');
        }
      }
    }
    this.scheduleClockTick(game.state.clock);
  }

  private scheduleClockTick(clock: GameClock | undefined): void {
    this.clockTick?.();
    this.clockTick = undefined;
    const wait = clock ? nextClockChangeMs(clock, this.deps.clock.now()) : null;
    if (wait !== null) this.clockTick = this.deps.clock.after(wait, () => this.changed());
  }
}
