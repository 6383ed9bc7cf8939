import type { StatusLed } from './status-led.js';

/** The reset button's GPIO line, however it is read (evdev, sysfs GPIO). */
export interface ButtonLine {
  /** Starts reporting changes; `active` means pressed. `onLost` reports that the line stopped working. */
  start(onChange: (active: boolean) => void, onLost: (why: string) => void): void;
  close(): void;
}

/** The button as the hardware offers it: a line (and maybe a status LED), or why there is none. */
export type ButtonHardware =
  | { line: ButtonLine; led?: StatusLed; describe: Record<string, unknown> }
  | { unavailable: string };
