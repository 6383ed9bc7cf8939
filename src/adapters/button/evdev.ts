import { createReadStream, readdirSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { ButtonLine } from '../../ports/button-line.js';

/** `struct input_event` on 64-bit Linux: timeval (2 × 8 bytes), type u16, code u16, value s32. */
export const INPUT_EVENT_SIZE = 24;
export const EV_KEY = 1;

export interface InputEvent {
  type: number;
  code: number;
  /** For keys: 1 pressed, 0 released, 2 autorepeat. */
  value: number;
  /** When the kernel saw it, in ms (its timeval). */
  atMs: number;
}

/** Splits a read into whole input_event records; returns the bytes of a partial one to carry over. */
export function parseInputEvents(bytes: Buffer): { events: InputEvent[]; rest: Buffer } {
  const events: InputEvent[] = [];
  let offset = 0;
  for (; offset + INPUT_EVENT_SIZE <= bytes.length; offset += INPUT_EVENT_SIZE) {
    events.push({
      atMs: Number(bytes.readBigInt64LE(offset)) * 1000 + Number(bytes.readBigInt64LE(offset + 8)) / 1000,
      type: bytes.readUInt16LE(offset + 16),
      code: bytes.readUInt16LE(offset + 18),
      value: bytes.readInt32LE(offset + 20),
    });
  }
  return { events, rest: bytes.subarray(offset) };
}

/** The gpio-keys input device the `gpio-key` overlay creates, found under /dev/input/by-path. */
export function findGpioKeysDevice(hostRoot: string): string | undefined {
  const dir = join(hostRoot, 'dev/input/by-path');
  try {
    const name = readdirSync(dir)
      .sort()
      .find((entry) => /gpio[-_]keys/.test(entry) && entry.endsWith('-event'));
    return name === undefined ? undefined : join(dir, name);
  } catch {
    return undefined;
  }
}

/**
 * The button as the kernel's gpio-keys device: the kernel debounces, no native addon or
 * sysfs is needed. Key `keyCode` going down is "active", up is "inactive", each with the time
 * the kernel stamped on it, so a press read late (a busy event loop) is still measured right.
 */
export class EvdevButtonLine implements ButtonLine {
  private stream: ReadStream | undefined;

  constructor(
    private readonly devicePath: string,
    private readonly keyCode: number,
  ) {}

  start(onChange: (active: boolean, atMs?: number) => void, onLost: (why: string) => void): void {
    let carry = Buffer.alloc(0);
    const stream = createReadStream(this.devicePath);
    this.stream = stream;
    stream.on('data', (chunk) => {
      const { events, rest } = parseInputEvents(Buffer.concat([carry, chunk as Buffer]));
      carry = Buffer.from(rest);
      for (const event of events) {
        if (event.type === EV_KEY && event.code === this.keyCode && event.value !== 2) onChange(event.value === 1, event.atMs);
      }
    });
    stream.on('error', (error) => onLost(`${this.devicePath}: ${error.message}`));
    stream.on('end', () => onLost(`${this.devicePath} closed`));
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }
}
