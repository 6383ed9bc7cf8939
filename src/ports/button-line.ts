/** The reset button's GPIO line, however it is read (evdev, sysfs GPIO). */
export interface ButtonLine {
  /** Starts reporting changes; `active` means pressed. `onLost` reports that the line stopped working. */
  start(onChange: (active: boolean) => void, onLost: (why: string) => void): void;
  close(): void;
}
