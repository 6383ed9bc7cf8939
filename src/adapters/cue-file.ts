import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CuesFile, type Cue } from '../contract/index.js';
import { isPrivateOrLoopbackAddress } from '../net/address-range.js';
import { cueTargetOf } from '../domain/cue-target.js';
import type { TokenCatalog } from '../domain/token-catalog.js';
import { ShowFileError } from './show-files.js';

/**
 * Loads and checks CUES_FILE: a bad file stops the start naming the cue and the field. OSC and
 * HTTP targets must be loopback or private-range addresses, or names listed in CUE_HOSTS, so a
 * cues file cannot make the appliance talk to the internet (or anywhere staff did not name).
 */
export function loadCues(file: string | undefined, options: { cueHosts: readonly string[]; catalog?: TokenCatalog }): Cue[] {
  if (file === undefined || file === 'none') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ShowFileError(`cues file ${file}: ${(error as Error).message}`);
  }
  const result = CuesFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const [index, ...field] = issue?.path ?? [];
    const id = typeof index === 'number' && Array.isArray(raw) ? cueName(raw[index], index) : undefined;
    const where = id === undefined ? '(root)' : field.length > 0 ? `${id}: ${field.map(String).join('.')}` : id;
    throw new ShowFileError(`cues file ${file}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const allowed = new Set(options.cueHosts.map((host) => host.trim().toLowerCase()).filter((host) => host !== ''));
  for (const cue of result.data) {
    cue.actions.forEach((action, step) => {
      const fail = (field: string, message: string) => {
        throw new ShowFileError(`cues file ${file}: cue ${JSON.stringify(cue.id)}: actions.${step}.${field}: ${message}`);
      };
      const target = cueTargetOf(action);
      if (target && !hostAllowed(target.host, allowed)) fail(target.protocol === 'osc' ? 'osc.host' : 'http.url', notAllowed(target.host));
      if ('video' in action && options.catalog) {
        const token = options.catalog.get(action.video);
        if (!token) fail('video', `no token ${action.video} in the tokens file`);
        else if (token.video === undefined) fail('video', `token ${action.video} has no video`);
      }
    });
  }
  return result.data;
}

/** CUES_FILE, or when unset the `cues.json` beside the tokens file (a show folder's own), if there is one. */
export function cuesFileOf(config: { CUES_FILE?: string | undefined; TOKENS_FILE: string }): string | undefined {
  if (config.CUES_FILE !== undefined) return config.CUES_FILE;
  const beside = join(dirname(config.TOKENS_FILE), 'cues.json');
  return existsSync(beside) ? beside : undefined;
}

function cueName(entry: unknown, index: number): string {
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? `cue ${JSON.stringify(id)}` : `cue ${index + 1}`;
}

function notAllowed(host: string): string {
  return `${host} is neither a loopback or private-range address nor a name in CUE_HOSTS`;
}

/** A loopback or private-range IP literal, `localhost`, or a name staff listed in CUE_HOSTS. */
export function hostAllowed(host: string, allowed: ReadonlySet<string>): boolean {
  const name = host.toLowerCase();
  if (allowed.has(name)) return true;
  return name === 'localhost' || isPrivateOrLoopbackAddress(name);
}
