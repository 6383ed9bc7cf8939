import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The gpiochip labels of the Pi's main GPIO controller: Pi 3, Pi 4, Pi 5. */
const PI_GPIO_LABELS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

/**
 * The sysfs GPIO number of a BCM pin. Kernels from 6.6 number sysfs lines from the chip's
 * base (512 on a Pi 4, 571 on a Pi 5) instead of 0, which breaks libraries such as onoff
 * that take the BCM number as is; the base is read from /sys/class/gpio/gpiochip*.
 */
export function sysfsGpioNumber(bcmPin: number, hostRoot: string): number | undefined {
  const dir = join(hostRoot, 'sys/class/gpio');
  let chips: string[];
  try {
    chips = readdirSync(dir).filter((name) => name.startsWith('gpiochip'));
  } catch {
    return undefined;
  }
  for (const chip of chips.sort()) {
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, chip, file), 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    const label = read('label');
    const base = Number(read('base'));
    const count = Number(read('ngpio'));
    if (label === undefined || !PI_GPIO_LABELS.includes(label) || !Number.isInteger(base)) continue;
    if (Number.isInteger(count) && bcmPin >= count) return undefined;
    return base + bcmPin;
  }
  return undefined;
}
