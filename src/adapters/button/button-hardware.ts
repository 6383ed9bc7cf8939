import type { Logger } from 'pino';
import type { ButtonHardware, ButtonLine } from '../../ports/button-line.js';
import type { StatusLed } from '../../ports/status-led.js';
import { chooseButtonDriver, type ButtonSettings } from './choose-driver.js';
import { EvdevButtonLine } from './evdev.js';
import { loadOnoff, OnoffButtonLine, OnoffLed } from './onoff.js';
import { sysfsGpioNumber } from './sysfs-gpio.js';

export interface ButtonHardwareSettings extends ButtonSettings {
  /** The key code the gpio-keys overlay gives the button (evdev). */
  keyCode: number;
  /** The BCM pin of the optional status LED. */
  ledPin: number | undefined;
}

/** Opens the reset button's line (gpio-keys or sysfs GPIO) and its LED, or says why there is no button. */
export async function openButtonHardware(settings: ButtonHardwareSettings, log: Logger): Promise<ButtonHardware> {
  const choice = chooseButtonDriver(settings);
  if (choice.driver === 'none') return { unavailable: choice.why };
  let line: ButtonLine;
  if (choice.driver === 'evdev') line = new EvdevButtonLine(choice.device, settings.keyCode);
  else {
    const Gpio = await loadOnoff();
    if ('missing' in Gpio) return { unavailable: Gpio.missing };
    line = new OnoffButtonLine(Gpio, choice.sysfsNumber);
  }
  const led = await openLed(settings, log);
  return { line, ...(led ? { led } : {}), describe: { ...choice, led: settings.ledPin } };
}

/** The optional status LED; a missing or unusable one is logged and left out. */
async function openLed(settings: ButtonHardwareSettings, log: Logger): Promise<StatusLed | undefined> {
  if (settings.ledPin === undefined) return undefined;
  const sysfsNumber = sysfsGpioNumber(settings.ledPin, settings.hostRoot);
  if (sysfsNumber === undefined) {
    log.warn({ pin: settings.ledPin }, 'no status LED: no Raspberry Pi GPIO chip in sysfs');
    return undefined;
  }
  const Gpio = await loadOnoff();
  if ('missing' in Gpio) {
    log.warn({ pin: settings.ledPin }, `no status LED: ${Gpio.missing}`);
    return undefined;
  }
  try {
    return new OnoffLed(Gpio, sysfsNumber);
  } catch (error) {
    log.warn({ pin: settings.ledPin, err: error }, 'no status LED: its GPIO line could not be opened');
    return undefined;
  }
}
