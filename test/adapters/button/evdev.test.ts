import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EV_KEY, EvdevButtonLine, findGpioKeysDevice, parseInputEvents } from '../../src/adapters/button/evdev.js';
import { sysfsGpioNumber } from '../../src/adapters/button/sysfs-gpio.js';
import { chooseButtonDriver, type ButtonDriverSetting } from '../../src/adapters/button/choose-driver.js';
import { OnoffButtonLine, OnoffLed, type GpioClass } from '../../src/adapters/button/onoff.js';
import { openButtonHardware } from '../../src/adapters/button/button-hardware.js';
import { ResetButtonControl } from '../../src/app/reset-button-control.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { pino } from 'pino';
import { tempDir } from '../support/harness.js';

const KEY_PROG1 = 148;
const EV_SYN = 0;

/** One `struct input_event` as the kernel writes it on a 64-bit Pi. */
function record(type: number, code: number, value: number, seconds = 1_700_000_000): Buffer {
  const bytes = Buffer.alloc(24);
  bytes.writeBigInt64LE(BigInt(seconds), 0);
  bytes.writeBigInt64LE(123_456n, 8);
  bytes.writeUInt16LE(type, 16);
  bytes.writeUInt16LE(code, 18);
  bytes.writeInt32LE(value, 20);
  return bytes;
}

let root: string;
beforeEach(() => {
  root = tempDir('button-test-');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('parseInputEvents', () => {
  it('reads key press, release and sync records, carrying a partial record over', () => {
    const stream = Buffer.concat([record(EV_KEY, KEY_PROG1, 1), record(EV_SYN, 0, 0), record(EV_KEY, KEY_PROG1, 0)]);
    const first = parseInputEvents(stream.subarray(0, 30));
    expect(first.events).toEqual([{ type: EV_KEY, code: KEY_PROG1, value: 1 }]);
    expect(first.rest.length).toBe(6);
    const second = parseInputEvents(Buffer.concat([first.rest, stream.subarray(30)]));
    expect(second.events).toEqual([
      { type: EV_SYN, code: 0, value: 0 },
      { type: EV_KEY, code: KEY_PROG1, value: 0 },
    ]);
    expect(second.rest.length).toBe(0);
  });

  it('reads a negative value as signed', () => {
    expect(parseInputEvents(record(3, 1, -5)).events).toEqual([{ type: 3, code: 1, value: -5 }]);
  });
});

describe('EvdevButtonLine on a FIFO standing in for the device', () => {
  it('reports presses and releases of its key only, ignoring autorepeat and other keys', async () => {
    const fifo = join(root, 'event0');
    execFileSync('mkfifo', [fifo]);
    const changes: boolean[] = [];
    const lost: string[] = [];
    const line = new EvdevButtonLine(fifo, KEY_PROG1);
    line.start((active) => changes.push(active), (why) => lost.push(why));
    // Opened asynchronously: a FIFO's open blocks until the reader has opened it too.
    const writer = await open(fifo, 'w');
    const all = Buffer.concat([
      record(EV_KEY, KEY_PROG1, 1),
      record(EV_SYN, 0, 0),
      record(EV_KEY, KEY_PROG1, 2),
      record(EV_KEY, 30, 1), // another key
      record(EV_KEY, KEY_PROG1, 0),
    ]);
    // Written in awkward pieces, as reads may split records.
    await writer.write(all.subarray(0, 10));
    await writer.write(all.subarray(10, 70));
    await writer.write(all.subarray(70));
    await writer.close();
    for (let i = 0; i < 100 && lost.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    line.close();
    expect(changes).toEqual([true, false]);
    expect(lost[0]).toContain('closed');
  });

  it('reports a device that cannot be opened as lost', async () => {
    const lost: string[] = [];
    const line = new EvdevButtonLine(join(root, 'missing'), KEY_PROG1);
    line.start(() => undefined, (why) => lost.push(why));
    for (let i = 0; i < 100 && lost.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(lost[0]).toContain('ENOENT');
  });
});

describe('findGpioKeysDevice', () => {
  it('finds the gpio-keys event device by path, and nothing without the overlay', () => {
    expect(findGpioKeysDevice(root)).toBeUndefined();
    const dir = join(root, 'dev/input/by-path');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.0-event-kbd'), '');
    expect(findGpioKeysDevice(root)).toBeUndefined();
    writeFileSync(join(dir, 'platform-button@11-event'), '');
    writeFileSync(join(dir, 'platform-gpio_keys-event'), '');
    expect(findGpioKeysDevice(root)).toBe(join(dir, 'platform-gpio_keys-event'));
  });
});

/** A gpiochip entry of /sys/class/gpio in the fake tree. */
function chip(name: string, label: string, base: number, ngpio: number): void {
  const dir = join(root, 'sys/class/gpio', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'label'), `${label}\n`);
  writeFileSync(join(dir, 'base'), `${base}\n`);
  writeFileSync(join(dir, 'ngpio'), `${ngpio}\n`);
}

describe('sysfsGpioNumber', () => {
  it('keeps BCM numbers on an older Pi 3 kernel (base 0)', () => {
    chip('gpiochip0', 'pinctrl-bcm2835', 0, 54);
    chip('gpiochip100', 'raspberrypi-exp-gpio', 100, 8);
    expect(sysfsGpioNumber(17, root)).toBe(17);
  });

  it('offsets by the chip base on a Pi 4 with kernel 6.6 (base 512)', () => {
    chip('gpiochip504', 'raspberrypi-exp-gpio', 504, 8);
    chip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    expect(sysfsGpioNumber(17, root)).toBe(529);
  });

  it('uses the RP1 controller on a Pi 5 (base 571)', () => {
    chip('gpiochip512', 'gpio-brcmstb@107d508500', 512, 32);
    chip('gpiochip571', 'pinctrl-rp1', 571, 54);
    expect(sysfsGpioNumber(17, root)).toBe(588);
  });

  it('refuses pins beyond the controller and machines without one', () => {
    chip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    expect(sysfsGpioNumber(60, root)).toBeUndefined();
    rmSync(join(root, 'sys'), { recursive: true });
    expect(sysfsGpioNumber(17, root)).toBeUndefined();
  });
});

describe('chooseButtonDriver', () => {
  const settings = (driver: ButtonDriverSetting, device?: string) => ({ driver, device, pin: 17, hostRoot: root });
  function gpioKeys(): string {
    const dir = join(root, 'dev/input/by-path');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'platform-gpio_keys-event'), '');
    return join(dir, 'platform-gpio_keys-event');
  }
  function sysfsGpio(writable: boolean): void {
    chip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    writeFileSync(join(root, 'sys/class/gpio/export'), '');
    chmodSync(join(root, 'sys/class/gpio/export'), writable ? 0o200 : 0o400);
  }

  it('prefers the gpio-keys device, then sysfs GPIO, in auto', () => {
    sysfsGpio(true);
    expect(chooseButtonDriver(settings('auto'))).toEqual({ driver: 'onoff', sysfsNumber: 529 });
    const device = gpioKeys();
    expect(chooseButtonDriver(settings('auto'))).toEqual({ driver: 'evdev', device });
  });

  it('names every reason when nothing is usable', () => {
    const choice = chooseButtonDriver(settings('auto'));
    expect(choice.driver).toBe('none');
    expect(choice).toMatchObject({ why: expect.stringMatching(/no gpio-keys input device.*; no Raspberry Pi GPIO chip/) as string });
  });

  it('does not pick sysfs GPIO without an export file', () => {
    sysfsGpio(true);
    rmSync(join(root, 'sys/class/gpio/export'));
    expect(chooseButtonDriver(settings('auto'))).toMatchObject({ driver: 'none', why: expect.stringContaining('export is missing') as string });
  });

  it.skipIf(process.getuid?.() === 0)('does not pick sysfs GPIO this user cannot write (root could)', () => {
    sysfsGpio(false);
    expect(chooseButtonDriver(settings('auto'))).toMatchObject({ driver: 'none', why: expect.stringContaining('not writable') as string });
  });

  it('keeps to an explicit driver even when the other one is there', () => {
    sysfsGpio(true);
    gpioKeys();
    expect(chooseButtonDriver(settings('onoff'))).toEqual({ driver: 'onoff', sysfsNumber: 529 });
    expect(chooseButtonDriver(settings('evdev', '/dev/input/event7'))).toEqual({ driver: 'evdev', device: '/dev/input/event7' });
    expect(chooseButtonDriver(settings('none')).driver).toBe('none');
    rmSync(join(root, 'dev'), { recursive: true });
    expect(chooseButtonDriver(settings('evdev')).driver).toBe('none');
  });
});

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

describe('ResetButtonControl with the hardware openButtonHardware finds', () => {
  it('reports the button unavailable, with one log line, when none is wired', async () => {
    const statuses: string[] = [];
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const game = { resetButtonStatus: (status: string) => statuses.push(status), reset: () => { throw new Error('no reset expected'); } };
    const hardware = await openButtonHardware({ driver: 'auto', device: undefined, pin: 17, hostRoot: root, keyCode: 148, ledPin: undefined }, logger);
    const control = new ResetButtonControl(hardware, game, systemClock, 3000, logger);
    control.start();
    control.stop();
    expect(statuses).toEqual(['unavailable']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no reset button: no gpio-keys input device');
  });
});
