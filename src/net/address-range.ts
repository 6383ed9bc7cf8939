import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** An IP literal (v4, v6, or v4 written as v6), parsed; undefined for a name. */
function parsed(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return isIP(address) === 0 ? undefined : ipaddr.process(address);
}

/** 127.0.0.0/8, ::1, and those written as IPv4-mapped IPv6. */
export function isLoopbackAddress(address: string): boolean {
  return parsed(address)?.range() === 'loopback';
}

/** Loopback, or an address of a private network: 10/8, 172.16/12, 192.168/16, fc00::/7. */
export function isPrivateOrLoopbackAddress(address: string): boolean {
  const range = parsed(address)?.range();
  return range === 'loopback' || range === 'private' || range === 'uniqueLocal';
}
