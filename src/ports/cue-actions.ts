import type { CueAction, CueActionResult, CueFired, CueView } from '../contract/index.js';

/** Runs one action of a cue (not `wait`: the engine waits on its clock); rejects when it failed. */
export interface ActionRunner {
  run(action: Exclude<CueAction, { wait: number }>): Promise<void>;
}

/** A cue's state in one session: what keeps it from firing twice, or being forgotten, across a restart. */
export interface CueState {
  cueId: string;
  firedCount: number;
  lastFiredAt: string | null;
  lastResult: CueActionResult[] | null;
  /** Staff's switch; null: as the cues file says. */
  enabled: boolean | null;
}

/** Where the cue engine keeps its state and its firings, with the session. */
export interface CueStore {
  cueStates(sessionId: string): CueState[];
  saveCueState(sessionId: string, state: CueState): void;
  /** Records a firing (durable when it returns); the session export lists them. */
  appendCueFiring(sessionId: string, firing: CueFired): void;
  cueFirings(sessionId: string): CueFired[];
}

/** What staff do with the cues (the admin routes). */
export interface CueControl {
  list(): CueView[];
  /** Resolves once every action ran; NOT_FOUND for an unknown id. */
  fire(cueId: string): Promise<CueFired>;
  setEnabled(cueId: string, enabled: boolean): CueView;
  /** A session's firings, for its export. */
  firings(sessionId: string): CueFired[];
}
