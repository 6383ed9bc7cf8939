import { networkInterfaces } from 'node:os';

export interface IdleTextValues {
  url: string;
  ssid: string;
  session: string;
}

/** Fills `{url}`, `{ssid}` and `{session}` into the idle screen's text; unknown braces stay. */
export function fillIdleText(template: string, values: IdleTextValues): string {
  return template
    .replace(/\{(url|ssid|session)\}/g, (_match, key: keyof IdleTextValues) => values[key])
    .replace(/(\s*·\s*)+$/u, '')
    .trim();
}

/**
 * The address GM tablets should open: the first external IPv4 address, or the configured host;
 * `https` (its certificate covers every address of the machine) when HTTPS is on.
 */
export function stationUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  if (host !== '0.0.0.0' && host !== '::') return `${scheme}://${host}:${port}`;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return `${scheme}://${external.address}:${port}`;
  }
  return `${scheme}://localhost:${port}`;
}

/**
 * The text of a `WIFI:` QR code that joins a phone or tablet to a WPA2 network; `\ ; , : "`
 * in the name and passphrase are escaped with a backslash, as the format asks.
 */
export function wifiJoinText(ssid: string, psk: string): string {
  const escape = (value: string) => value.replace(/[\\;,:"]/g, (c) => `\\${c}`);
  return `WIFI:T:WPA;S:${escape(ssid)};P:${escape(psk)};;`;
}
