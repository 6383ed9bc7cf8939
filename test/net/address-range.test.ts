import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isPrivateOrLoopbackAddress } from '../../src/net/address-range.js';

describe('address ranges', () => {
  it('knows loopback in every spelling, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect([address, isLoopbackAddress(address)]).toEqual([address, true]);
    for (const address of ['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '127.1', '', 'not an address']) {
      expect([address, isLoopbackAddress(address)]).toEqual([address, false]);
    }
  });

  it('knows private networks and loopback, and refuses public, link-local and names', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.4.1', '::1', 'fd12::1', 'fc00::2', '::ffff:10.0.0.1']) {
      expect([address, isPrivateOrLoopbackAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['8.8.8.8', '172.15.0.1', '172.32.0.1', '192.169.0.1', '11.0.0.1', '169.254.1.1', '2001:db8::1', 'fe80::1', '::ffff:8.8.8.8', 'qlab.local', '10.1']) {
      expect([address, isPrivateOrLoopbackAddress(address)]).toEqual([address, false]);
    }
  });
});
