import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from './temp-dir.js';

/**
 * A host root of its own for each test: the adapters that read sysfs, /proc or /dev take a
 * root prefix, and here it is a temp folder the test fills with the files a Pi would have.
 */
export interface FakeHost {
  readonly root: string;
  /** Writes `content` at `path` under the root, making the folders on the way. */
  write(path: string, content: string): void;
  /** A gpiochip entry of /sys/class/gpio, as the kernel lists a GPIO controller. */
  gpioChip(name: string, label: string, base: number, ngpio: number): void;
}

export function fakeHostPerTest(prefix = 'fake-host-'): FakeHost {
  const dir = tempDirPerTest(prefix);
  const host: FakeHost = {
    get root() {
      return dir.path;
    },
    write(path, content) {
      mkdirSync(join(dir.path, path, '..'), { recursive: true });
      writeFileSync(join(dir.path, path), content);
    },
    gpioChip(name, label, base, ngpio) {
      const chip = `sys/class/gpio/${name}`;
      host.write(`${chip}/label`, `${label}\n`);
      host.write(`${chip}/base`, `${base}\n`);
      host.write(`${chip}/ngpio`, `${ngpio}\n`);
    },
  };
  return host;
}

/** The key the Pi's gpio-keys overlay reports for the reset button. */
export const KEY_PROG1 = 148;

/** One `struct input_event` as the kernel writes it on a 64-bit Pi, stamped `atMs` (now unless given). */
export function inputEvent(type: number, code: number, value: number, atMs = Date.now()): Buffer {
  const bytes = Buffer.alloc(24);
  bytes.writeBigInt64LE(BigInt(Math.floor(atMs / 1000)), 0);
  bytes.writeBigInt64LE(BigInt(Math.round((atMs % 1000) * 1000)), 8);
  bytes.writeUInt16LE(type, 16);
  bytes.writeUInt16LE(code, 18);
  bytes.writeInt32LE(value, 20);
  return bytes;
}
