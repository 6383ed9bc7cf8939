import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { connect, isIP } from 'node:net';
import { join } from 'node:path';
import { isLoopbackAddress } from '../../net/address-range.js';
import type { CueTarget, TargetProbe, TargetReach } from '../../ports/preflight-probes.js';

export interface SocketTargetProbeOptions {
  /** Where `/proc` is (tests and chroots point it elsewhere); default `/`. */
  hostRoot?: string;
  /** How long a TCP handshake may take; default 2000 ms, the HTTP action's own timeout. */
  connectTimeoutMs?: number;
}

/**
 * Finds cue targets without sending them anything they would act on. HTTP: a TCP handshake
 * with the port, closed at once (no request: a GET may itself be a cue). OSC is UDP, which has
 * no handshake and no reply: on this Pi, a socket bound to the port in /proc/net/udp; elsewhere
 * a TCP handshake with the same port, whose answer (accepted or refused) shows the machine is
 * up — silence is `unconfirmed`, since a firewall may drop it.
 */
export class SocketTargetProbe implements TargetProbe {
  private readonly hostRoot: string;
  private readonly connectTimeoutMs: number;

  constructor(options: SocketTargetProbeOptions = {}) {
    this.hostRoot = options.hostRoot ?? '/';
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  }

  async reach(target: CueTarget): Promise<TargetReach> {
    let address: string;
    try {
      address = isIP(target.host) === 0 ? (await lookup(target.host)).address : target.host;
    } catch {
      return { state: 'unreachable', detail: `the name ${target.host} does not resolve` };
    }
    if (target.protocol === 'osc' && isLoopbackAddress(address)) {
      const bound = await this.udpPortBound(target.port);
      if (bound === undefined) return { state: 'unconfirmed', detail: 'cannot tell: OSC sends no reply' };
      return bound ? { state: 'reachable', detail: `a program listens on UDP port ${target.port}` } : { state: 'unreachable', detail: `nothing listens on UDP port ${target.port} on this Pi` };
    }
    const handshake = await this.handshake(address, target.port);
    if (target.protocol === 'http') {
      switch (handshake) {
        case 'accepted':
          return { state: 'reachable', detail: 'accepts connections' };
        case 'refused':
          return { state: 'unreachable', detail: `nothing listens on TCP port ${target.port}` };
        case 'no route':
          return { state: 'unreachable', detail: 'no route to it: it is not on a network this Pi is on' };
        case 'silent':
          return { state: 'unreachable', detail: `no answer within ${this.connectTimeoutMs / 1000} s (switched off, or a firewall)` };
      }
    }
    switch (handshake) {
      case 'accepted':
      case 'refused':
        return { state: 'reachable', detail: 'the machine answers (OSC itself sends no reply)' };
      case 'no route':
        return { state: 'unreachable', detail: 'no route to it: it is not on a network this Pi is on' };
      case 'silent':
        return { state: 'unconfirmed', detail: `the machine did not answer within ${this.connectTimeoutMs / 1000} s (switched off, or a firewall drops the check)` };
    }
  }

  /** A TCP handshake only: closed as soon as it is answered, bounded by the connect timeout. */
  private handshake(address: string, port: number): Promise<'accepted' | 'refused' | 'no route' | 'silent'> {
    return new Promise((resolve) => {
      const socket = connect({ host: address, port });
      const settle = (result: 'accepted' | 'refused' | 'no route' | 'silent') => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(this.connectTimeoutMs, () => settle('silent'));
      socket.once('connect', () => settle('accepted'));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') settle('refused');
        else if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' || error.code === 'EADDRNOTAVAIL') settle('no route');
        else settle('silent');
      });
    });
  }

  /** Whether a UDP socket on this machine is bound to `port`; undefined where /proc cannot tell. */
  private async udpPortBound(port: number): Promise<boolean | undefined> {
    let found: boolean | undefined;
    for (const table of ['udp', 'udp6']) {
      let text: string;
      try {
        text = await readFile(join(this.hostRoot, 'proc', 'net', table), 'utf8');
      } catch {
        continue;
      }
      found ??= false;
      // "  sl  local_address rem_address ...": local_address is ADDRESS:PORT in hex.
      for (const line of text.split('\n').slice(1)) {
        const local = line.trim().split(/\s+/)[1];
        const hexPort = local?.split(':')[1];
        if (hexPort !== undefined && parseInt(hexPort, 16) === port) return true;
      }
    }
    return found;
  }
}
