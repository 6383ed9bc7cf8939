import type { DisplayMode, DisplayState, RoomView } from '../contract/index.js';

/** What staff and display clients ask of the room screens. */
export interface RoomControl {
  readonly display: DisplayState;
  setMode(mode: DisplayMode): DisplayState;
  /** A line on the TV and every GM page for `seconds` (a cue's message); a new one replaces it. */
  showMessage(text: string, seconds: number): void;
  /** The view as it is now, for a display that just connected. */
  view(): RoomView;
}
