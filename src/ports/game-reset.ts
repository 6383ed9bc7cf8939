import type { ResetSource, Session, SystemStatus } from '../contract/index.js';

/** What the reset button may do to the game: reset it, and say how the button is. */
export interface GameReset {
  reset(source: ResetSource): Session;
  resetButtonStatus(status: SystemStatus['resetButton']): void;
}
