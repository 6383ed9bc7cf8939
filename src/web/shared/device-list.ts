import type { DeviceConnection, Envelope } from '../../contract/index.js';
import { renderDevices } from './render.js';

/** The connected devices as a page knows them: the last sync plus the device events since. */
export class DeviceList {
  private devices: DeviceConnection[] = [];

  replace(devices: DeviceConnection[]): void {
    this.devices = devices;
    renderDevices(this.devices);
  }

  connected(envelope: Envelope<'device:connected'>): void {
    const device: DeviceConnection = {
      ...envelope.data,
      connectionTime: envelope.timestamp,
      lastHeartbeat: envelope.timestamp,
      connectionStatus: 'connected',
    };
    this.replace([...this.devices.filter((d) => d.deviceId !== device.deviceId), device]);
  }

  disconnected(envelope: Envelope<'device:disconnected'>): void {
    this.replace(this.devices.map((d) => (d.deviceId === envelope.data.deviceId ? { ...d, connectionStatus: 'disconnected' } : d)));
  }
}
