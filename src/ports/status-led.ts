/** An LED on an output line, lit or dark. */
export interface StatusLed {
  write(on: boolean): void;
  /** Turns it off and gives the line back. */
  close(): void;
}
