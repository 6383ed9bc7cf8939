import type { Cue } from '../contract/index.js';
import type { CueTarget } from '../ports/preflight-probes.js';

/** Where a cue's action sends OSC or HTTP (the host without an IPv6 literal's brackets); undefined for other actions. */
export function cueTargetOf(action: Cue['actions'][number]): CueTarget | undefined {
  if ('osc' in action) return { protocol: 'osc', host: action.osc.host, port: action.osc.port };
  if (!('http' in action)) return undefined;
  const url = new URL(action.http.url);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { protocol: 'http', host: url.hostname.replace(/^\[|\]$/g, ''), port };
}
