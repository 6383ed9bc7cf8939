import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseButtonDriver, type ButtonDriverSetting } from '../../../src/adapters/button/choose-driver.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest('choose-driver-test-');

describe('chooseButtonDriver', () => {
  const settings = (driver: ButtonDriverSetting, device?: string) => ({ driver, device, pin: 17, hostRoot: host.root });
  function gpioKeys(): string {
    host.write('dev/input/by-path/platform-gpio_keys-event', '');
    return join(host.root, 'dev/input/by-path/platform-gpio_keys-event');
  }
  function sysfsGpio(writable: boolean): void {
    host.gpioChip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
    host.write('sys/class/gpio/export', '');
    chmodSync(join(host.root, 'sys/class/gpio/export'), writable ? 0o200 : 0o400);
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
    rmSync(join(host.root, 'sys/class/gpio/export'));
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
    rmSync(join(host.root, 'dev'), { recursive: true });
    expect(chooseButtonDriver(settings('evdev')).driver).toBe('none');
  });
});
