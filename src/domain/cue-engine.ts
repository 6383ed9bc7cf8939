import {
  actionKind,
  AppError,
  clockTimeMs,
  type Cue,
  type CueActionResult,
  type CueEventTrigger,
  type CueFired,
  type CueView,
  type GameClock,
} from '../contract/index.js';
import type { Cancel, Clock } from '../ports/clock.js';
import type { ActionRunner, CueState, CueStore } from '../ports/cue-actions.js';

/** A game event as cues see it: its trigger and the fields `when` narrows by. */
export interface CueEvent {
  trigger: CueEventTrigger;
  teamId?: string;
  tokenId?: string;
  group?: string;
}

export interface CueEngineDeps {
  cues: readonly Cue[];
  clock: Clock;
  runner: ActionRunner;
  store: CueStore;
  /** The current session and its game clock; undefined without a session. */
  game: () => { sessionId: string; clock: GameClock } | undefined;
  /** A firing finished: every action ran (or was skipped). */
  fired: (firing: CueFired) => void;
  /** An action failed; the firing's results say it too. */
  actionFailed?: (cueId: string, result: CueActionResult) => void;
  /** A firing the game started could not be recorded (the store failed). */
  fireFailed?: (cueId: string, error: unknown) => void;
}

/**
 * The show's cues: event cues fire when the game tells of their event (narrowed by `when`),
 * clock cues once per session when the game clock passes their time, manual cues when staff
 * ask. What keeps a cue from firing twice (its count, `once`, clock cues) and staff's switches
 * are stored with the session before any action runs, so a restart neither repeats nor loses
 * one. Actions run in order; a failing one is reported and the next still run unless
 * `stopOnError`.
 */
export class CueEngine {
  private readonly cues: ReadonlyMap<string, Cue>;
  private sessionId: string | undefined;
  private states = new Map<string, CueState>();
  private nextClockCue: Cancel | undefined;
  private checkPending: Cancel | undefined;
  private readonly waits = new Set<() => void>();
  private stopped = false;

  constructor(private readonly deps: CueEngineDeps) {
    this.cues = new Map(deps.cues.map((cue) => [cue.id, cue]));
  }

  /** Loads the session's state, then fires the clock cues whose time passed while the server was down. */
  start(): void {
    this.stopped = false;
    this.checkClock();
  }

  stop(): void {
    this.stopped = true;
    this.nextClockCue?.();
    this.checkPending?.();
    this.nextClockCue = this.checkPending = undefined;
    for (const wake of [...this.waits]) wake();
  }

  /** Fires the enabled cues of this event whose `when` matches it. */
  event(event: CueEvent): void {
    if (this.stopped) return;
    const sessionId = this.currentSession();
    if (sessionId === undefined) return;
    for (const cue of this.cues.values()) {
      if (cue.trigger !== event.trigger || !this.armed(cue) || !matches(cue, event)) continue;
      this.launch(cue, event.trigger, sessionId);
    }
  }

  /** The game clock or the session may have changed: checks the clock cues (once per event-loop turn). */
  clockChanged(): void {
    if (this.stopped || this.checkPending) return;
    this.checkPending = this.deps.clock.after(0, () => {
      this.checkPending = undefined;
      this.checkClock();
    });
  }

  /** Staff fire a cue (any cue, switched on or not); resolves once every action ran. */
  fire(cueId: string): Promise<CueFired> {
    const cue = this.cue(cueId);
    const sessionId = this.currentSession();
    if (sessionId === undefined) throw new AppError('SESSION_NOT_FOUND', 'there is no current session');
    return this.fireCue(cue, 'manual', sessionId);
  }

  setEnabled(cueId: string, enabled: boolean): CueView {
    const cue = this.cue(cueId);
    const sessionId = this.currentSession();
    if (sessionId === undefined) throw new AppError('SESSION_NOT_FOUND', 'there is no current session');
    const state = { ...this.state(cue.id), enabled };
    this.save(sessionId, state);
    if (cue.trigger === 'clock:at') this.clockChanged();
    return this.view(cue);
  }

  list(): CueView[] {
    this.currentSession();
    return [...this.cues.values()].map((cue) => this.view(cue));
  }

  private checkClock(): void {
    this.nextClockCue?.();
    this.nextClockCue = undefined;
    if (this.stopped) return;
    const game = this.deps.game();
    const sessionId = this.currentSession();
    if (!game || sessionId === undefined || game.clock.status === 'stopped') return;
    const { clock } = game;
    const elapsed = clock.elapsedMs + (clock.status === 'running' ? Math.max(0, this.deps.clock.now() - Date.parse(clock.asOf)) : 0);
    let soonest = Infinity;
    for (const cue of this.cues.values()) {
      if (cue.trigger !== 'clock:at' || !this.armed(cue) || this.state(cue.id).firedCount > 0) continue;
      const dueAt = dueElapsed(cue, clock.plannedMs);
      if (dueAt === undefined) continue;
      if (elapsed >= dueAt) this.launch(cue, 'clock:at', sessionId);
      else soonest = Math.min(soonest, dueAt - elapsed);
    }
    if (clock.status === 'running' && soonest !== Infinity) {
      this.nextClockCue = this.deps.clock.after(soonest, () => {
        this.nextClockCue = undefined;
        this.checkClock();
      });
    }
  }

  /** The session now; loads its cue states when it changed. */
  private currentSession(): string | undefined {
    const sessionId = this.deps.game()?.sessionId;
    if (sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      this.states = new Map(sessionId === undefined ? [] : this.deps.store.cueStates(sessionId).map((state) => [state.cueId, state]));
    }
    return sessionId;
  }

  private cue(cueId: string): Cue {
    const cue = this.cues.get(cueId);
    if (!cue) throw new AppError('NOT_FOUND', `no cue ${cueId}`, { details: [{ field: 'id', message: 'no such cue' }] });
    return cue;
  }

  private state(cueId: string): CueState {
    return this.states.get(cueId) ?? { cueId, firedCount: 0, lastFiredAt: null, lastResult: null, enabled: null };
  }

  private enabled(cue: Cue): boolean {
    return this.state(cue.id).enabled ?? cue.enabled ?? true;
  }

  /** Switched on, and not a `once` cue that already fired this session. */
  private armed(cue: Cue): boolean {
    return this.enabled(cue) && !(cue.once === true && this.state(cue.id).firedCount > 0);
  }

  private save(sessionId: string, state: CueState): void {
    this.deps.store.saveCueState(sessionId, state);
    if (sessionId === this.sessionId) this.states.set(state.cueId, state);
  }

  /** A firing nobody awaits: a failure to record it is reported, never left unhandled. */
  private launch(cue: Cue, trigger: CueFired['trigger'], sessionId: string): void {
    this.fireCue(cue, trigger, sessionId).catch((error: unknown) => {
      if (!this.stopped) this.deps.fireFailed?.(cue.id, error);
    });
  }

  private async fireCue(cue: Cue, trigger: CueFired['trigger'], sessionId: string): Promise<CueFired> {
    const at = new Date(this.deps.clock.now()).toISOString();
    // Counted before any action runs: a crash mid-cue never fires it again.
    const before = this.state(cue.id);
    this.save(sessionId, { ...before, firedCount: before.firedCount + 1, lastFiredAt: at });
    const results = await this.runActions(cue);
    const firing: CueFired = { cueId: cue.id, trigger, at, results };
    const after = sessionId === this.sessionId ? this.state(cue.id) : { ...before, firedCount: before.firedCount + 1, lastFiredAt: at };
    this.save(sessionId, { ...after, lastResult: results });
    this.deps.store.appendCueFiring(sessionId, firing);
    this.deps.fired(firing);
    return firing;
  }

  private async runActions(cue: Cue): Promise<CueActionResult[]> {
    const results: CueActionResult[] = [];
    let stopped = false;
    for (const action of cue.actions) {
      const kind = actionKind(action);
      if (stopped || this.stopped) {
        results.push({ action: kind, ok: false, skipped: true });
        continue;
      }
      try {
        if ('wait' in action) await this.wait(action.wait * 1000);
        else await this.deps.runner.run(action);
        results.push({ action: kind, ok: true });
      } catch (error) {
        const result = { action: kind, ok: false, error: error instanceof Error ? error.message : String(error) };
        results.push(result);
        this.deps.actionFailed?.(cue.id, result);
        if (cue.stopOnError === true) stopped = true;
      }
    }
    return results;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.waits.delete(wake);
        cancel();
        resolve();
      };
      this.waits.add(wake);
      const cancel = this.deps.clock.after(ms, wake);
    });
  }

  private view(cue: Cue): CueView {
    const state = this.state(cue.id);
    return {
      id: cue.id,
      name: cue.name,
      trigger: cue.trigger ?? 'manual',
      at: cue.at ?? null,
      remaining: cue.remaining ?? null,
      enabled: this.enabled(cue),
      firedCount: state.firedCount,
      lastFiredAt: state.lastFiredAt,
      lastResult: state.lastResult,
    };
  }
}

/** The elapsed game time at which a clock cue is due; undefined for a `remaining` cue without a planned length. */
function dueElapsed(cue: Cue, plannedMs: number | null): number | undefined {
  if (cue.at !== undefined) return clockTimeMs(cue.at);
  if (cue.remaining === undefined || plannedMs === null) return undefined;
  return Math.max(0, plannedMs - clockTimeMs(cue.remaining));
}

function matches(cue: Cue, event: CueEvent): boolean {
  const when = cue.when;
  if (!when) return true;
  return same(when.teamId, event.teamId) && same(when.tokenId, event.tokenId) && same(when.group, event.group);
}

function same(wanted: string | undefined, actual: string | undefined): boolean {
  return wanted === undefined || (actual !== undefined && wanted.toLowerCase() === actual.toLowerCase());
}
