import type { Gpio } from 'onoff';
import type { ButtonLine } from '../../ports/button-line.js';
import type { StatusLed } from '../../ports/status-led.js';

export type GpioClass = typeof Gpio;

/**
 * onoff is an optional dependency (its epoll addon is compiled at install): a machine where it
 * did not build still runs, with the reason in the log.
 */
export async function loadOnoff(): Promise<GpioClass | { missing: string }> {
  try {
    const onoff = await import('onoff');
    return onoff.Gpio;
  } catch (error) {
    return { missing: `the onoff package is not usable here (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * The button on a sysfs GPIO line through onoff, for hand installs without the gpio-key
 * overlay. `sysfsNumber` is already translated from the BCM pin (see sysfsGpioNumber). The
 * button connects the pin to ground, so the line is active-low; debouncing is left to the
 * ResetButton logic. Sysfs cannot set the pull-up: config.txt needs `gpio=<pin>=ip,pu`.
 */
export class OnoffButtonLine implements ButtonLine {
  private gpio: Gpio | undefined;

  constructor(
    private readonly Gpio: GpioClass,
    private readonly sysfsNumber: number,
  ) {}

  start(onChange: (active: boolean) => void, onLost: (why: string) => void): void {
    try {
      const gpio = new this.Gpio(this.sysfsNumber, 'in', 'both', { activeLow: true });
      this.gpio = gpio;
      // A line already active at start is reported, so a stuck line is found as a fault.
      if (gpio.readSync() === 1) onChange(true);
      gpio.watch((error, value) => {
        if (error) onLost(`GPIO ${this.sysfsNumber}: ${error.message}`);
        else onChange(value === 1);
      });
    } catch (error) {
      this.close();
      onLost(`GPIO ${this.sysfsNumber}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(): void {
    const gpio = this.gpio;
    this.gpio = undefined;
    if (gpio === undefined) return;
    gpio.unwatchAll();
    try {
      gpio.unexport();
    } catch {
      // already gone: nothing to give back
    }
  }
}

/** The status LED on a sysfs GPIO output line (LED and resistor from the pin to ground). */
export class OnoffLed implements StatusLed {
  private readonly gpio: Gpio;

  /** Throws when the line cannot be exported (no permission, pin in use). */
  constructor(Gpio: GpioClass, sysfsNumber: number) {
    this.gpio = new Gpio(sysfsNumber, 'low');
  }

  write(on: boolean): void {
    this.gpio.writeSync(on ? 1 : 0);
  }

  close(): void {
    try {
      this.gpio.writeSync(0);
      this.gpio.unexport();
    } catch {
      // the line is gone already
    }
  }
}
