import { randomBytes } from 'node:crypto';
import { sameSecret } from '../same-secret.js';

export type ClaimOutcome =
  /** The connection now speaks for the station; `displaced` is the connection it took it from. */
  | { granted: true; secret: string; displaced?: string }
  /** Another live connection holds the station and the right secret was not presented. */
  | { granted: false };

/**
 * Which connection speaks for each GM station, and the per-station secret that lets a
 * connection take a station from another live one (a reloaded tab, the same tablet's second
 * tab). Without the secret a station can be claimed only while no connection holds it, which
 * is what the contract's reconnection needs; so a device on the Wi-Fi that knows a station's
 * name cannot take it from the GM using it.
 */
export class StationClaims {
  private readonly claims = new Map<string, { holder: string; secret: string }>();

  claim(stationId: string, connectionId: string, presented: string | undefined): ClaimOutcome {
    const current = this.claims.get(stationId);
    const matches = current !== undefined && presented !== undefined && sameSecret(presented, current.secret);
    if (current !== undefined && current.holder !== connectionId && !matches) return { granted: false };
    const secret = matches || current?.holder === connectionId ? current.secret : randomBytes(24).toString('base64url');
    this.claims.set(stationId, { holder: connectionId, secret });
    const displaced = current !== undefined && current.holder !== connectionId ? current.holder : undefined;
    return displaced === undefined ? { granted: true, secret } : { granted: true, secret, displaced };
  }

  holderOf(stationId: string): string | undefined {
    return this.claims.get(stationId)?.holder;
  }

  /** The connection closed: the station is free to be claimed by its name again. */
  release(stationId: string, connectionId: string): boolean {
    if (this.claims.get(stationId)?.holder !== connectionId) return false;
    this.claims.delete(stationId);
    return true;
  }
}
