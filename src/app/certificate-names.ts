import { isIP } from 'node:net';
import type { CertificateSubjects } from '../adapters/tls/certificate-authority.js';
import type { MachineIdentity } from '../ports/machine-identity.js';
import { APPLIANCE_NAMES } from '../transport/origin-policy.js';

/** The hotspot's own address (NetworkManager's shared mode), present or not when the certificate is issued. */
export const HOTSPOT_ADDRESS = '10.42.0.1';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Every name and address a GM tablet may open the orchestrator by, for its HTTPS certificate:
 * the appliance names, the hostname with `.local` and `.show`, ALLOWED_HOSTS, the hotspot
 * address, loopback and the machine's current addresses (link-local IPv6 left out: a browser
 * cannot open one without its interface).
 */
export function certificateSubjects(machine: MachineIdentity, extraHosts: readonly string[]): CertificateSubjects {
  const hostname = machine.hostname().trim().toLowerCase().replace(/\.$/, '');
  const hostNames = isDnsName(hostname) ? [hostname, `${hostname}.local`, `${hostname}.show`] : [];
  const extras = extraHosts.map((host) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'));
  const addresses = machine.addresses().filter((address) => isIP(address) !== 0 && !address.includes('%') && !/^fe[89ab]/i.test(address));
  return {
    dnsNames: [...APPLIANCE_NAMES, ...hostNames, ...extras.filter(isDnsName)],
    ipAddresses: [HOTSPOT_ADDRESS, '127.0.0.1', '::1', ...addresses, ...extras.filter((host) => isIP(host) !== 0)],
  };
}

function isDnsName(name: string): boolean {
  return name.length <= 253 && isIP(name) === 0 && name.split('.').every((label) => LABEL.test(label));
}
