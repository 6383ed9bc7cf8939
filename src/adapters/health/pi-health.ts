import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import si from 'systeminformation';
import type { HealthSample, Throttling } from '../../contract/index.js';
import type { HealthSource } from '../../ports/health-source.js';

const run = promisify(execFile);

/**
 * Decodes the firmware's `get_throttled` bit field. Both sources print hex: the sysfs file
 * without a prefix ("50005"), `vcgencmd get_throttled` as "throttled=0x50005".
 */
export function parseThrottled(text: string): Throttling | undefined {
  const match = /(?:^|=)\s*(?:0x)?([0-9a-f]+)\s*$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const bits = parseInt(match[1], 16);
  const bit = (n: number) => (bits & (1 << n)) !== 0;
  return {
    underVoltageNow: bit(0),
    frequencyCappedNow: bit(1),
    throttledNow: bit(2),
    softTemperatureLimitNow: bit(3),
    underVoltageSinceBoot: bit(16),
    frequencyCappedSinceBoot: bit(17),
    throttledSinceBoot: bit(18),
    softTemperatureLimitSinceBoot: bit(19),
  };
}

/** thermal_zone0/temp holds millidegrees Celsius. */
export function parseMillidegrees(text: string): number | undefined {
  const value = Number(text.trim());
  return Number.isFinite(value) && text.trim() !== '' ? Math.round(value / 100) / 10 : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Health from systeminformation (load, memory, disk, uptime) plus files read directly: the
 * temperature (systeminformation's own call shells out synchronously and would block the
 * event loop) and the firmware's throttling flags, falling back to `vcgencmd` when present.
 */
export class PiHealth implements HealthSource {
  constructor(
    private readonly hostRoot: string,
    private readonly dataDir: string,
  ) {}

  async sample(): Promise<HealthSample> {
    const [load, memory, disks, temperature, throttling] = await Promise.all([
      si.currentLoad(),
      si.mem(),
      si.fsSize().catch(() => []),
      readText(join(this.hostRoot, 'sys/class/thermal/thermal_zone0/temp')),
      this.throttling(),
    ]);
    // The file system holding DATA_DIR: the mount point that is the longest prefix of it.
    const disk = disks
      .filter((d) => d.size > 0 && (this.dataDir === d.mount || this.dataDir.startsWith(d.mount.endsWith('/') ? d.mount : `${d.mount}/`)))
      .sort((a, b) => b.mount.length - a.mount.length)[0];
    const temperatureC = temperature === undefined ? undefined : parseMillidegrees(temperature);
    return {
      sampledAt: new Date().toISOString(),
      load1: load.avgLoad >= 0 ? load.avgLoad : 0,
      cpuPercent: Math.min(100, Math.max(0, Math.round(load.currentLoad * 10) / 10)),
      memory: { totalBytes: memory.total, availableBytes: memory.available },
      ...(disk ? { disk: { path: this.dataDir, freeBytes: disk.available, totalBytes: disk.size } } : {}),
      uptimeSeconds: Math.round(si.time().uptime),
      ...(temperatureC === undefined ? {} : { temperatureC }),
      ...(throttling ? { throttling } : {}),
    };
  }

  private async throttling(): Promise<Throttling | undefined> {
    const file = await readText(join(this.hostRoot, 'sys/devices/platform/soc/soc:firmware/get_throttled'));
    if (file !== undefined) return parseThrottled(file);
    try {
      const { stdout } = await run('vcgencmd', ['get_throttled'], { timeout: 2000 });
      return parseThrottled(stdout);
    } catch {
      return undefined; // not a Pi, or no firmware tools
    }
  }
}
