import { beforeEach, describe, expect, it } from 'vitest';
import { OnoffButtonLine, OnoffLed, type GpioClass } from '../../../src/adapters/button/onoff.js';

/**
 * A stand-in for onoff's Gpio class: a fake sysfs cannot drive onoff's epoll watch, so this
 * checks only how the adapter uses the class (active-low input on both edges, the line's
 * state at start, errors as a lost line). The button logic itself is tested on fake timers.
 */
class StandInGpio {
  static made: StandInGpio[] = [];
  static failWith: string | undefined;
  static initialValue: 0 | 1 = 0;
  callback: ((error: Error | null | undefined, value: 0 | 1) => void) | undefined;
  value: 0 | 1 = StandInGpio.initialValue;
  unexported = false;
  written: number[] = [];
  constructor(
    readonly gpio: number,
    readonly direction: string,
    readonly edge?: string,
    readonly options?: { activeLow?: boolean },
  ) {
    if (StandInGpio.failWith !== undefined) throw new Error(StandInGpio.failWith);
    StandInGpio.made.push(this);
  }
  readSync(): 0 | 1 {
    return this.value;
  }
  watch(callback: (error: Error | null | undefined, value: 0 | 1) => void): void {
    this.callback = callback;
  }
  unwatchAll(): void {
    this.callback = undefined;
  }
  unexport(): void {
    this.unexported = true;
  }
  writeSync(value: 0 | 1): void {
    this.written.push(value);
  }
}

describe('the onoff adapters', () => {
  beforeEach(() => {
    StandInGpio.made = [];
    StandInGpio.failWith = undefined;
    StandInGpio.initialValue = 0;
  });
  const gpioClass = StandInGpio as unknown as GpioClass;

  it('reads the translated line active-low on both edges and reports changes', () => {
    const changes: boolean[] = [];
    const line = new OnoffButtonLine(gpioClass, 529);
    line.start((active) => changes.push(active), () => changes.push(false));
    const [gpio] = StandInGpio.made;
    expect(gpio).toMatchObject({ gpio: 529, direction: 'in', edge: 'both', options: { activeLow: true } });
    gpio?.callback?.(null, 1);
    gpio?.callback?.(null, 0);
    expect(changes).toEqual([true, false]);
    line.close();
    expect(gpio?.unexported).toBe(true);
  });

  it('reports a line already active at start, so a stuck button is found', () => {
    const changes: boolean[] = [];
    StandInGpio.initialValue = 1;
    new OnoffButtonLine(gpioClass, 17).start((active) => changes.push(active), () => undefined);
    expect(changes).toEqual([true]);
  });

  it('reports an export failure and a watch error as a lost line', () => {
    const lost: string[] = [];
    StandInGpio.failWith = 'EACCES: permission denied';
    new OnoffButtonLine(gpioClass, 529).start(() => undefined, (why) => lost.push(why));
    StandInGpio.failWith = undefined;
    new OnoffButtonLine(gpioClass, 529).start(() => undefined, (why) => lost.push(why));
    StandInGpio.made[0]?.callback?.(new Error('EPOLLERR'), 0);
    expect(lost).toEqual(['GPIO 529: EACCES: permission denied', 'GPIO 529: EPOLLERR']);
  });

  it('drives the LED as a low-started output and leaves it dark on close', () => {
    const led = new OnoffLed(gpioClass, 539);
    led.write(true);
    led.write(false);
    led.close();
    expect(StandInGpio.made[0]).toMatchObject({ gpio: 539, direction: 'low', written: [1, 0, 0], unexported: true });
  });
});
