import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { findGpioKeysDevice } from './evdev.js';
import { sysfsGpioNumber } from './sysfs-gpio.js';

export type ButtonDriverSetting = 'auto' | 'evdev' | 'onoff' | 'none';

export type ButtonChoice =
  | { driver: 'evdev'; device: string }
  | { driver: 'onoff'; sysfsNumber: number }
  | { driver: 'none'; why: string };

export interface ButtonSettings {
  driver: ButtonDriverSetting;
  /** An explicit input device for evdev; otherwise the gpio-keys device is looked for. */
  device: string | undefined;
  /** The BCM pin, for onoff. */
  pin: number;
  hostRoot: string;
}

const OVERLAY_HINT = 'add dtoverlay=gpio-key to config.txt, see the README';

/**
 * Which way the reset button is read. `auto` prefers the gpio-keys input device (the kernel
 * debounces, no native addon), then sysfs GPIO through onoff, else no button, with the reason.
 */
export function chooseButtonDriver(settings: ButtonSettings): ButtonChoice {
  if (settings.driver === 'none') return { driver: 'none', why: 'RESET_BUTTON_DRIVER=none' };
  if (settings.driver === 'evdev') return evdevChoice(settings);
  if (settings.driver === 'onoff') return onoffChoice(settings);
  const evdev = evdevChoice(settings);
  if (evdev.driver !== 'none') return evdev;
  const onoff = onoffChoice(settings);
  if (onoff.driver !== 'none') return onoff;
  return { driver: 'none', why: `${evdev.why}; ${onoff.why}` };
}

function evdevChoice(settings: ButtonSettings): ButtonChoice {
  const device = settings.device ?? findGpioKeysDevice(settings.hostRoot);
  return device === undefined
    ? { driver: 'none', why: `no gpio-keys input device (${OVERLAY_HINT})` }
    : { driver: 'evdev', device };
}

function onoffChoice(settings: ButtonSettings): ButtonChoice {
  const sysfsNumber = sysfsGpioNumber(settings.pin, settings.hostRoot);
  if (sysfsNumber === undefined) return { driver: 'none', why: `no Raspberry Pi GPIO chip with BCM pin ${settings.pin} in sysfs` };
  try {
    accessSync(join(settings.hostRoot, 'sys/class/gpio/export'), constants.W_OK);
  } catch {
    return { driver: 'none', why: '/sys/class/gpio/export is missing or not writable by this user (the gpio group grants it)' };
  }
  return { driver: 'onoff', sysfsNumber };
}
