import type { StatusLed } from './status-led.js';

/** The reset button's GPIO line, however it is read (evdev, sysfs GPIO). */
export interface ButtonLine {
  /**
   * Starts reporting changes; `active` means pressed. `atMs`, where the hardware stamps its
   * changes (the kernel's input events), is when the change happened on the hardware's own
   * clock: only the time between two changes means anything. `onLost` reports that the line
   * stopped working.
   */
  start(onChange: (active: boolean, atMs?: number) => void, onLost: (why: string) => void): void;
  close(): void;
}

/** The button as the hardware offers it: a line (and maybe a status LED), or why there is none. */
export type ButtonHardware =
  | { line: ButtonLine; led?: StatusLed; describe: Record<string, unknown> }
  | { unavailable: string };
