import { isIP } from 'node:net';
import type { Clock } from '../ports/clock.js';
import { isLoopbackAddress } from '../net/address-range.js';
import type { MachineIdentity } from '../ports/machine-identity.js';

/** The names the appliance answers to on its hotspot, whatever its hostname. */
export const APPLIANCE_NAMES = ['localhost', 'orchestrator.local', 'orchestrator.show'];

const ADDRESS_REFRESH_MS = 2000;

/**
 * Which `Host` and `Origin` values are the orchestrator's own: its names (the appliance names,
 * the hostname with and without `.local`/`.show`), its addresses including loopback, and the
 * extra names of ALLOWED_HOSTS, on any port. Anything else is another site: a page from
 * elsewhere open in a GM tablet's browser (cross-origin), or a DNS-rebinding name that
 * resolves to the appliance. Requests with no Origin are not from a browser page and pass.
 */
export class OriginPolicy {
  private readonly names: Set<string>;
  private addresses = new Set<string>();
  private addressesReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly machine: MachineIdentity,
    extraHosts: readonly string[],
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    const host = normalise(machine.hostname());
    this.names = new Set([...APPLIANCE_NAMES, host, `${host}.local`, `${host}.show`, ...extraHosts.map(normalise)].filter((name) => name !== ''));
  }

  /** A `Host` header (name or address, with an optional port). An absent one is not a browser's. */
  allowsHost(host: string | undefined): boolean {
    if (host === undefined) return true;
    const name = hostnameOf(host);
    return name !== undefined && this.isOwn(name);
  }

  /** An `Origin` header: absent passes; `null` (sandboxed frames, files) and other sites do not. */
  allowsOrigin(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return this.isOwn(normalise(url.hostname));
  }

  private isOwn(name: string): boolean {
    if (this.names.has(name)) return true;
    if (isIP(name) === 0) return false;
    if (isLoopbackAddress(name)) return true;
    if (this.currentAddresses().has(name)) return true;
    // An address not seen yet may have just come up (the hotspot starting after us): read again.
    if (this.clock.now() - this.addressesReadAt < ADDRESS_REFRESH_MS) return false;
    this.addressesReadAt = Number.NEGATIVE_INFINITY;
    return this.currentAddresses().has(name);
  }

  private currentAddresses(): Set<string> {
    const now = this.clock.now();
    if (now - this.addressesReadAt >= ADDRESS_REFRESH_MS) {
      this.addresses = new Set(this.machine.addresses().map(normalise));
      this.addressesReadAt = now;
    }
    return this.addresses;
  }
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').replace(/%.*$/, '');
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), or undefined when malformed. */
function hostnameOf(host: string): string | undefined {
  if (!/^[A-Za-z0-9.\-:[\]%]{1,300}$/.test(host)) return undefined;
  try {
    return normalise(new URL(`http://${host}`).hostname);
  } catch {
    return undefined;
  }
}
