import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EV_KEY, EvdevButtonLine, findGpioKeysDevice, parseInputEvents } from '../../src/adapters/button/evdev.js';
import { sysfsGpioNumber } from '../../src/adapters/button/sysfs-gpio.js';
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

describe('sysfsGpioNumber', () => {
  function chip(name: string, label: string, base: number, ngpio: number): void {
    const dir = join(root, 'sys/class/gpio', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'label'), `${label}\n`);
    writeFileSync(join(dir, 'base'), `${base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${ngpio}\n`);
  }

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
