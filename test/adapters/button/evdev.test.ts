import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EV_KEY, EvdevButtonLine, findGpioKeysDevice, parseInputEvents } from '../../../src/adapters/button/evdev.js';
import { fakeHostPerTest, inputEvent as record, KEY_PROG1 } from '../../support/fake-host.js';

const EV_SYN = 0;
const host = fakeHostPerTest('button-test-');

describe('parseInputEvents', () => {
  it('reads key press, release and sync records with the kernel\'s times, carrying a partial record over', () => {
    const at = 1_700_000_000_123.5;
    const stream = Buffer.concat([record(EV_KEY, KEY_PROG1, 1, at), record(EV_SYN, 0, 0, at), record(EV_KEY, KEY_PROG1, 0, at + 3456.25)]);
    const first = parseInputEvents(stream.subarray(0, 30));
    expect(first.events).toEqual([{ type: EV_KEY, code: KEY_PROG1, value: 1, atMs: at }]);
    expect(first.rest.length).toBe(6);
    const second = parseInputEvents(Buffer.concat([first.rest, stream.subarray(30)]));
    expect(second.events).toEqual([
      { type: EV_SYN, code: 0, value: 0, atMs: at },
      { type: EV_KEY, code: KEY_PROG1, value: 0, atMs: at + 3456.25 },
    ]);
    expect(second.rest.length).toBe(0);
  });

  it('reads a negative value as signed', () => {
    expect(parseInputEvents(record(3, 1, -5, 1000)).events).toEqual([{ type: 3, code: 1, value: -5, atMs: 1000 }]);
  });
});

describe('EvdevButtonLine on a FIFO standing in for the device', () => {
  it('reports presses and releases of its key only, ignoring autorepeat and other keys', async () => {
    const fifo = join(host.root, 'event0');
    execFileSync('mkfifo', [fifo]);
    const changes: [boolean, number | undefined][] = [];
    const lost: string[] = [];
    const line = new EvdevButtonLine(fifo, KEY_PROG1);
    line.start((active, atMs) => changes.push([active, atMs]), (why) => lost.push(why));
    // Opened asynchronously: a FIFO's open blocks until the reader has opened it too.
    const writer = await open(fifo, 'w');
    const all = Buffer.concat([
      record(EV_KEY, KEY_PROG1, 1, 5000),
      record(EV_SYN, 0, 0, 5000),
      record(EV_KEY, KEY_PROG1, 2, 5250),
      record(EV_KEY, 30, 1, 5300), // another key
      record(EV_KEY, KEY_PROG1, 0, 8500),
    ]);
    // Written in awkward pieces, as reads may split records.
    await writer.write(all.subarray(0, 10));
    await writer.write(all.subarray(10, 70));
    await writer.write(all.subarray(70));
    await writer.close();
    for (let i = 0; i < 100 && lost.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    line.close();
    expect(changes).toEqual([
      [true, 5000],
      [false, 8500],
    ]);
    expect(lost[0]).toContain('closed');
  });

  it('reports a device that cannot be opened as lost', async () => {
    const lost: string[] = [];
    const line = new EvdevButtonLine(join(host.root, 'missing'), KEY_PROG1);
    line.start(() => undefined, (why) => lost.push(why));
    for (let i = 0; i < 100 && lost.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(lost[0]).toContain('ENOENT');
  });
});

describe('findGpioKeysDevice', () => {
  it('finds the gpio-keys event device by path, and nothing without the overlay', () => {
    expect(findGpioKeysDevice(host.root)).toBeUndefined();
    const dir = join(host.root, 'dev/input/by-path');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.0-event-kbd'), '');
    expect(findGpioKeysDevice(host.root)).toBeUndefined();
    writeFileSync(join(dir, 'platform-button@11-event'), '');
    writeFileSync(join(dir, 'platform-gpio_keys-event'), '');
    expect(findGpioKeysDevice(host.root)).toBe(join(dir, 'platform-gpio_keys-event'));
  });
});
