import { describe, expect, it } from 'vitest';
import { parseMillidegrees, parseThrottled, PiHealth } from '../../../src/adapters/health/pi-health.js';
import { HealthSample } from '../../../src/contract/index.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest('health-root-');

describe('parseThrottled (values recorded from Pis)', () => {
  it('reads a healthy Pi as all clear', () => {
    expect(Object.values(parseThrottled('throttled=0x0\n')!).every((flag) => !flag)).toBe(true);
  });

  it('reads 0x50005: under-voltage and throttled now and since boot', () => {
    expect(parseThrottled('throttled=0x50005')).toEqual({
      underVoltageNow: true,
      frequencyCappedNow: false,
      throttledNow: true,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: true,
      frequencyCappedSinceBoot: false,
      throttledSinceBoot: true,
      softTemperatureLimitSinceBoot: false,
    });
  });

  it('reads the sysfs form and a past-only under-voltage (0x50000)', () => {
    // The sysfs file prints hex without the 0x prefix.
    expect(parseThrottled('50005\n')).toEqual(parseThrottled('throttled=0x50005'));
    expect(parseThrottled('0\n')).toMatchObject({ underVoltageNow: false, underVoltageSinceBoot: false });
    expect(parseThrottled('0x50000')).toMatchObject({ underVoltageNow: false, underVoltageSinceBoot: true, throttledSinceBoot: true });
    expect(parseThrottled('0x80008')).toMatchObject({ softTemperatureLimitNow: true, softTemperatureLimitSinceBoot: true });
  });

  it('refuses text that carries no number', () => {
    expect(parseThrottled('error=1 error_msg="Command not registered"')).toBeUndefined();
    expect(parseThrottled('')).toBeUndefined();
  });
});

describe('parseMillidegrees', () => {
  it('reads thermal_zone0/temp', () => {
    expect(parseMillidegrees('48312\n')).toBe(48.3);
    expect(parseMillidegrees('')).toBeUndefined();
    expect(parseMillidegrees('hot')).toBeUndefined();
  });
});

describe('PiHealth', () => {
  it('samples this machine with systeminformation and the Pi files from the host root', async () => {
    host.write('sys/class/thermal/thermal_zone0/temp', '61250\n');
    host.write('sys/devices/platform/soc/soc:firmware/get_throttled', '50005\n');
    const sample = HealthSample.parse(await new PiHealth(host.root, host.root).sample());
    expect(sample.temperatureC).toBe(61.3);
    expect(sample.throttling).toMatchObject({ underVoltageNow: true, throttledSinceBoot: true });
    expect(sample.memory.totalBytes).toBeGreaterThan(0);
    expect(sample.memory.availableBytes).toBeLessThanOrEqual(sample.memory.totalBytes);
    expect(sample.uptimeSeconds).toBeGreaterThan(0);
    expect(sample.disk?.totalBytes).toBeGreaterThan(0);
  });

  it('leaves out what a machine does not have', async () => {
    const sample = await new PiHealth(host.root, host.root).sample();
    expect(sample.temperatureC).toBeUndefined();
    expect(sample).not.toHaveProperty('temperatureC');
  });
});
