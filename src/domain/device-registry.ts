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
 * The GM stations and player scanners the orchestrator knows, each kind in its own id space
 * (a player scanner can never relist or count as a station). A disconnected device is kept
 * (and listed as disconnected) for `forgetAfterMs`, then forgotten.
 */
export class DeviceRegistry {
  private readonly spaces: Record<DeviceType, Map<string, DeviceEntry>> = { gm: new Map(), player: new Map() };

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly forgetAfterMs = 30_000,
  ) {}

  /** Marks a device connected; returns true when it was not connected before. */
  connect(deviceId: string, info: DeviceInfo): boolean {
    const now = this.clock.now();
    const space = this.spaces[info.type];
    const existing = space.get(deviceId);
    const wasConnected = existing?.connected === true;
    space.set(deviceId, {
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

  heartbeat(type: DeviceType, deviceId: string): void {
    const device = this.spaces[type].get(deviceId);
    if (device) device.lastHeartbeat = this.clock.now();
  }

  /** Marks a device disconnected; returns false when it was not connected. */
  disconnect(type: DeviceType, deviceId: string): boolean {
    const device = this.spaces[type].get(deviceId);
    if (!device?.connected) return false;
    device.connected = false;
    device.disconnectedAt = this.clock.now();
    return true;
  }

  isConnected(type: DeviceType, deviceId: string): boolean {
    return this.spaces[type].get(deviceId)?.connected === true;
  }

  /** Whether a device of this kind is connected or still remembered. */
  knows(type: DeviceType, deviceId: string): boolean {
    this.forgetExpired();
    return this.spaces[type].has(deviceId);
  }

  /** Devices of this kind connected or still remembered. */
  count(type: DeviceType): number {
    this.forgetExpired();
    return this.spaces[type].size;
  }

  /** Connected devices whose last sign of life is older than `timeoutMs`. */
  silentSince(type: DeviceType, timeoutMs: number): string[] {
    const cutoff = this.clock.now() - timeoutMs;
    return [...this.spaces[type].values()].filter((d) => d.connected && d.lastHeartbeat <= cutoff).map((d) => d.deviceId);
  }

  connectedCount(type: DeviceType): number {
    let count = 0;
    for (const device of this.spaces[type].values()) if (device.connected) count += 1;
    return count;
  }

  list(): DeviceConnection[] {
    this.forgetExpired();
    return [...this.spaces.gm.values(), ...this.spaces.player.values()].map((d) => ({
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
    for (const space of Object.values(this.spaces)) {
      for (const [id, device] of space) {
        if (!device.connected && (device.disconnectedAt ?? 0) <= cutoff) space.delete(id);
      }
    }
  }
}
