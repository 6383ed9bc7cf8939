import type { DeviceConnection, DeviceType } from '../contract/index.js';
import type { Clock } from '../ports/clock.js';

interface DeviceEntry {
  deviceId: string;
  type: DeviceType;
  name?: string;
  ipAddress?: string;
  connectionTime: number;
  lastHeartbeat: number;
  connected: boolean;
  disconnectedAt?: number;
}

export interface DeviceInfo {
  type: DeviceType;
  name?: string | undefined;
  ipAddress?: string | undefined;
}

/**
 * The GM stations and player scanners the orchestrator knows. A disconnected device is kept
 * (and listed as disconnected) for `forgetAfterMs`, then forgotten.
 */
export class DeviceRegistry {
  private readonly devices = new Map<string, DeviceEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly forgetAfterMs = 30_000,
  ) {}

  /** Marks a device connected; returns true when it was not connected before. */
  connect(deviceId: string, info: DeviceInfo): boolean {
    const now = this.clock.now();
    const existing = this.devices.get(deviceId);
    const wasConnected = existing?.connected === true;
    this.devices.set(deviceId, {
      deviceId,
      type: info.type,
      ...(info.name === undefined ? {} : { name: info.name }),
      ...(info.ipAddress === undefined ? {} : { ipAddress: info.ipAddress }),
      connectionTime: wasConnected ? existing.connectionTime : now,
      lastHeartbeat: now,
      connected: true,
    });
    return !wasConnected;
  }

  heartbeat(deviceId: string): void {
    const device = this.devices.get(deviceId);
    if (device) device.lastHeartbeat = this.clock.now();
  }

  /** Marks a device disconnected; returns false when it was not connected. */
  disconnect(deviceId: string): boolean {
    const device = this.devices.get(deviceId);
    if (!device?.connected) return false;
    device.connected = false;
    device.disconnectedAt = this.clock.now();
    return true;
  }

  isConnected(deviceId: string): boolean {
    return this.devices.get(deviceId)?.connected === true;
  }

  /** Connected devices whose last sign of life is older than `timeoutMs`. */
  silentSince(type: DeviceType, timeoutMs: number): string[] {
    const cutoff = this.clock.now() - timeoutMs;
    return [...this.devices.values()]
      .filter((d) => d.type === type && d.connected && d.lastHeartbeat <= cutoff)
      .map((d) => d.deviceId);
  }

  connectedCount(type: DeviceType): number {
    let count = 0;
    for (const device of this.devices.values()) if (device.type === type && device.connected) count += 1;
    return count;
  }

  list(): DeviceConnection[] {
    this.forgetExpired();
    return [...this.devices.values()].map((d) => ({
      deviceId: d.deviceId,
      type: d.type,
      ...(d.name === undefined ? {} : { name: d.name }),
      ...(d.ipAddress === undefined ? {} : { ipAddress: d.ipAddress }),
      connectionTime: new Date(d.connectionTime).toISOString(),
      lastHeartbeat: new Date(d.lastHeartbeat).toISOString(),
      connectionStatus: d.connected ? 'connected' : 'disconnected',
    }));
  }

  private forgetExpired(): void {
    const cutoff = this.clock.now() - this.forgetAfterMs;
    for (const [id, device] of this.devices) {
      if (!device.connected && (device.disconnectedAt ?? 0) <= cutoff) this.devices.delete(id);
    }
  }
}
