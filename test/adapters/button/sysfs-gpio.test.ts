import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sysfsGpioNumber } from '../../../src/adapters/button/sysfs-gpio.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest('sysfs-gpio-test-');

describe('sysfsGpioNumber', () => {
  it('keeps BCM numbers on an older Pi 3 kernel (base 0)', () => {
    host.gpioChip('gpiochip0', 'pinctrl-bcm2835', 0, 54);
    host.gpioChip('gpiochip100', 'raspberrypi-exp-gpio', 100, 8);
    expect(sysfsGpioNumber(17, host.root)).toBe(17);
  });

  it('offsets by the chip base on a Pi 4 with kernel 6.6 (base 512)', () => {
    host.gpioChip('gpiochip504', 'raspberrypi-exp-gpio', 504, 8);
    host.gpioChip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    expect(sysfsGpioNumber(17, host.root)).toBe(529);
  });

  it('uses the RP1 controller on a Pi 5 (base 571)', () => {
    host.gpioChip('gpiochip512', 'gpio-brcmstb@107d508500', 512, 32);
    host.gpioChip('gpiochip571', 'pinctrl-rp1', 571, 54);
    expect(sysfsGpioNumber(17, host.root)).toBe(588);
  });

  it('refuses pins beyond the controller and machines without one', () => {
    host.gpioChip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    expect(sysfsGpioNumber(60, host.root)).toBeUndefined();
    rmSync(join(host.root, 'sys'), { recursive: true });
    expect(sysfsGpioNumber(17, host.root)).toBeUndefined();
  });
});
