import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../src/domain/device-registry.js';
import { ManualClock } from '../support/manual-clock.js';

const START = Date.UTC(2025, 0, 1, 20, 0, 0);

const manualClock = () => new ManualClock(START);

describe('DeviceRegistry', () => {
  it('lists a connected device', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    expect(devices.connect('GM_A', { type: 'gm', name: 'Bar', ipAddress: '10.0.0.5' })).toBe(true);
    expect(devices.isConnected('gm', 'GM_A')).toBe(true);
    expect(devices.list()).toEqual([
      {
        deviceId: 'GM_A',
        type: 'gm',
        name: 'Bar',
        ipAddress: '10.0.0.5',
        connectionTime: '2025-01-01T20:00:00.000Z',
        lastHeartbeat: '2025-01-01T20:00:00.000Z',
        connectionStatus: 'connected',
      },
    ]);
  });

  it('omits a name and address it was not given', () => {
    const devices = new DeviceRegistry(manualClock());
    devices.connect('player-1', { type: 'player', name: undefined });
    expect(devices.list()[0]).not.toHaveProperty('name');
    expect(devices.list()[0]).not.toHaveProperty('ipAddress');
  });

  it('a second connect of a connected device is not new and keeps its connection time', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    devices.connect('GM_A', { type: 'gm' });
    clock.advance(10_000);
    expect(devices.connect('GM_A', { type: 'gm', name: 'Renamed' })).toBe(false);
    expect(devices.list()).toMatchObject([
      { name: 'Renamed', connectionTime: '2025-01-01T20:00:00.000Z', lastHeartbeat: '2025-01-01T20:00:10.000Z' },
    ]);
  });

  it('disconnects a connected device once', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    devices.connect('GM_A', { type: 'gm' });
    expect(devices.disconnect('gm', 'GM_A')).toBe(true);
    expect(devices.disconnect('gm', 'GM_A')).toBe(false);
    expect(devices.disconnect('gm', 'never-seen')).toBe(false);
    expect(devices.isConnected('gm', 'GM_A')).toBe(false);
    expect(devices.list()).toMatchObject([{ deviceId: 'GM_A', connectionStatus: 'disconnected' }]);
  });

  it('a reconnected device is new again, with a new connection time', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    devices.connect('GM_A', { type: 'gm' });
    devices.disconnect('gm', 'GM_A');
    clock.advance(5000);
    expect(devices.connect('GM_A', { type: 'gm' })).toBe(true);
    expect(devices.list()).toMatchObject([{ connectionStatus: 'connected', connectionTime: '2025-01-01T20:00:05.000Z' }]);
  });

  it('counts connected devices by type', () => {
    const devices = new DeviceRegistry(manualClock());
    devices.connect('GM_A', { type: 'gm' });
    devices.connect('GM_B', { type: 'gm' });
    devices.connect('player-1', { type: 'player' });
    devices.disconnect('gm', 'GM_B');
    expect(devices.connectedCount('gm')).toBe(1);
    expect(devices.connectedCount('player')).toBe(1);
  });

  it('a heartbeat moves the last sign of life; an unknown device is ignored', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    devices.connect('GM_A', { type: 'gm' });
    clock.advance(7000);
    devices.heartbeat('gm', 'GM_A');
    devices.heartbeat('player', 'ghost');
    expect(devices.list()).toMatchObject([{ deviceId: 'GM_A', lastHeartbeat: '2025-01-01T20:00:07.000Z' }]);
  });

  it('silentSince lists connected devices of a type without a heartbeat for the timeout', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock);
    devices.connect('player-1', { type: 'player' });
    devices.connect('player-2', { type: 'player' });
    devices.connect('player-3', { type: 'player' });
    devices.connect('GM_A', { type: 'gm' });
    clock.advance(20_000);
    devices.heartbeat('player', 'player-2');
    devices.disconnect('player', 'player-3');
    clock.advance(9_999);
    expect(devices.silentSince('player', 30_000)).toEqual([]);
    clock.advance(1);
    expect(devices.silentSince('player', 30_000)).toEqual(['player-1']);
    expect(devices.silentSince('gm', 30_000)).toEqual(['GM_A']);
    clock.advance(20_000);
    expect(devices.silentSince('player', 30_000)).toEqual(['player-1', 'player-2']);
  });

  it('forgets a disconnected device after the window', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock, 30_000);
    devices.connect('GM_A', { type: 'gm' });
    devices.connect('GM_B', { type: 'gm' });
    devices.disconnect('gm', 'GM_A');
    clock.advance(29_999);
    expect(devices.list().map((d) => d.deviceId)).toEqual(['GM_A', 'GM_B']);
    clock.advance(1);
    expect(devices.list().map((d) => d.deviceId)).toEqual(['GM_B']);
    expect(devices.isConnected('gm', 'GM_A')).toBe(false);
  });

  it('keeps GM stations and player scanners in separate id spaces', () => {
    const devices = new DeviceRegistry(manualClock());
    devices.connect('GM_A', { type: 'gm' });
    expect(devices.knows('gm', 'GM_A')).toBe(true);
    expect(devices.knows('player', 'GM_A')).toBe(false);
    devices.connect('GM_A', { type: 'player' });
    // A player with a station's id neither relists the station nor takes its place in the count.
    expect(devices.connectedCount('gm')).toBe(1);
    expect(devices.count('player')).toBe(1);
    expect(devices.list().map((d) => `${d.type}:${d.deviceId}`)).toEqual(['gm:GM_A', 'player:GM_A']);
  });

  it('counts the devices of a type it still remembers, forgetting expired ones', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock, 30_000);
    devices.connect('player-1', { type: 'player' });
    devices.connect('player-2', { type: 'player' });
    devices.disconnect('player', 'player-1');
    expect(devices.count('player')).toBe(2);
    clock.advance(30_000);
    expect(devices.count('player')).toBe(1);
    expect(devices.knows('player', 'player-1')).toBe(false);
  });

  it('does not forget a device that reconnected within the window', () => {
    const clock = manualClock();
    const devices = new DeviceRegistry(clock, 30_000);
    devices.connect('GM_A', { type: 'gm' });
    devices.disconnect('gm', 'GM_A');
    clock.advance(10_000);
    devices.connect('GM_A', { type: 'gm' });
    clock.advance(60_000);
    expect(devices.list()).toMatchObject([{ deviceId: 'GM_A', connectionStatus: 'connected' }]);
  });
});
