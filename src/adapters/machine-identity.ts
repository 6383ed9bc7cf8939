import { hostname, networkInterfaces } from 'node:os';
import type { MachineIdentity } from '../ports/machine-identity.js';

/** This machine's hostname and the addresses of its interfaces, as the OS reports them now. */
export const osMachineIdentity: MachineIdentity = {
  hostname: () => hostname(),
  addresses: () =>
    Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .map((entry) => entry.address),
};
