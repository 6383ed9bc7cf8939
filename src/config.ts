import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const emptyIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const text = <T extends z.ZodType>(schema: T) => z.preprocess(emptyIsUnset, schema);
/** A whole number from an environment string or a JSON number; nothing else is coerced. */
const integer = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    const unset = emptyIsUnset(value);
    return typeof unset === 'string' && /^\s*-?\d+\s*$/.test(unset) ? Number(unset) : unset;
  }, schema);

/** Every setting of the orchestrator, its default and its meaning. The README table comes from here. */
export const ConfigSchema = z.object({
  PORT: integer(z.number().int().min(0).max(65535).default(3000)).describe('HTTP and Socket.IO port'),
  HTTPS_PORT: integer(z.union([z.number().int().min(0).max(65535), z.literal('none')]).default(3443)).describe(
    "HTTPS and Socket.IO port beside PORT, the address GMs are given (Web NFC needs a secure page); its certificate is signed by the appliance's own CA, made at first start in DATA_DIR, which tablets trust once through `/ca.crt` (see /admin). `none`: HTTP only",
  ),
  HOST: text(z.string().default('0.0.0.0')).describe('address to listen on'),
  DATA_DIR: text(z.string().default('data')).describe('where the SQLite game log and settings live'),
  TOKENS_FILE: text(z.string().default('demo/tokens.json')).describe('the show\'s tokens, in the ALN token format'),
  MEDIA_DIR: text(z.string().default('demo/media')).describe('folder of the video clips named by tokens'),
  SCORING_FILE: text(z.string().optional()).describe('optional JSON overriding base values and type multipliers'),
  CUES_FILE: text(z.string().optional()).describe(
    "the show's cues (JSON, see [Cues](#cues)): sounds, clips, messages, OSC and HTTP fired by game events, the clock or staff; unset: `cues.json` beside TOKENS_FILE if there is one (the demo show's); `none` for no cues",
  ),
  CUE_HOSTS: text(z.string().max(2000).optional()).describe(
    'host names, comma-separated, that cues may send OSC and HTTP to besides loopback and private-range addresses',
  ),
  ADMIN_PASSWORD: text(z.string().min(8, 'must be at least 8 characters').optional()).describe(
    'admin password; unset: one is generated on first start, printed once, and only its hash kept',
  ),
  STATION_TOKEN: text(
    z
      .string()
      .trim()
      .refine((value) => value === 'none' || value === 'generate' || value.length >= 8, 'must be at least 8 characters, `generate` or `none`')
      .optional(),
  ).describe(
    'shared secret GM stations must present; /admin shows it with a QR code that opens /gm with it. `generate`: one is made at first start and kept in DATA_DIR (the image does this, so each card has its own); `none` or unset: stations are open to anyone on the network',
  ),
  ALLOWED_HOSTS: text(z.string().max(2000).optional()).describe(
    "extra host names or addresses, comma-separated, that browsers may use to reach the orchestrator (its own names, addresses, `localhost` and `orchestrator.local`/`.show` always work)",
  ),
  MAX_GM_STATIONS: integer(z.number().int().min(1).max(1000).default(10)).describe('GM stations connected at once'),
  MAX_CONNECTIONS: integer(z.number().int().min(1).max(5000).optional()).describe(
    'station connections open at once, identified or not (admin pages not counted); unset: twice MAX_GM_STATIONS plus 10. One over it gets DEVICE_LIMIT and is closed',
  ),
  MAX_CONNECTIONS_PER_ADDRESS: integer(z.number().int().min(1).max(5000).optional()).describe(
    'TCP connections (HTTP and Socket.IO) one client address may hold open; unset: MAX_GM_STATIONS plus 10',
  ),
  MAX_TEAMS: integer(z.number().int().min(1).max(1000).default(50)).describe(
    'teams in one session; a submission for a new team over it is refused (TEAM_LIMIT)',
  ),
  MAX_PLAYER_DEVICES: integer(z.number().int().min(1).max(10_000).default(100)).describe(
    'player scanners known at once; a new one over it is refused (DEVICE_LIMIT)',
  ),
  MAX_VIDEO_QUEUE: integer(z.number().int().min(1).max(1000).default(10)).describe(
    'clips waiting for the TV (one per player scanner); more are refused (VIDEO_BUSY)',
  ),
  MAX_DISPLAYS: integer(z.number().int().min(1).max(500).default(20)).describe(
    'read-only display connections (`/scoreboard`) open at once; one more is refused (DEVICE_LIMIT). They count against no GM limit',
  ),
  GAME_MINUTES: integer(z.number().int().min(1).max(1440).optional()).describe(
    "a new session's planned length, for the game clock's remaining time and overtime; unset: the clock counts up (staff can set it per session)",
  ),
  IDENTIFY_TIMEOUT_MS: integer(z.number().int().min(1000).max(300_000).default(10_000)).describe(
    'a station connection that has not sent gm:identify this long after connecting is closed',
  ),
  VIDEO_PLAYER: text(z.enum(['mpv', 'none']).default('mpv')).describe(
    '`mpv` drives the TV; `none` runs without a display (video scans are logged, GMs see an error status)',
  ),
  MPV_BINARY: text(z.string().default('mpv')).describe('the mpv executable'),
  MPV_ARGS: text(z.string().default('')).describe(
    'extra mpv arguments, separated by spaces (the Pi image sets DRM/KMS output and hardware decoding here)',
  ),
  MPV_SOCKET: text(z.string().optional()).describe("mpv's IPC socket; unset: `mpv.sock` in DATA_DIR"),
  SOUND_PLAYER: text(z.enum(['mpv', 'none']).default('mpv')).describe(
    '`mpv`: sound effects through a second, audio-only mpv (socket `sound.sock` in DATA_DIR), one sound at a time; `none`: no sound effects',
  ),
  AUDIO_OUTPUT: text(z.enum(['auto', 'pipewire', 'alsa']).default('auto')).describe(
    "where both mpv send their sound: `pipewire` through a PipeWire sound server (the Pi image runs one, so a sound effect mixes with a clip's sound); `alsa`: straight to the device (on a Pi the TV's HDMI port, one player at a time); `auto`: `pipewire` when its socket is there at start (PIPEWIRE_RUNTIME_DIR or XDG_RUNTIME_DIR), else `alsa`",
  ),
  SOUND_MPV_ARGS: text(z.string().default('')).describe(
    "extra arguments of the sound effects' mpv, separated by spaces (its audio device, say); on a Pi driving a TV it plays to the TV's HDMI port unless these say otherwise",
  ),
  IDLE_MEDIA: text(z.string().default('idle.png')).describe(
    'image or looping clip under MEDIA_DIR shown between videos; `none` for a black screen',
  ),
  VIDEO_OUTPUT: text(z.enum(['auto', 'drm', 'window']).default('auto')).describe(
    '`drm`: full-screen through DRM/KMS without a desktop (the Pi); `window`: mpv picks its output (a desktop); `auto`: `drm` on a Raspberry Pi without a desktop session, `window` on a desktop or with a screen connected, otherwise no display (mpv is not started, clips are reported as errors)',
  ),
  DISPLAY_MODE: text(z.string().regex(/^\d+x\d+(@\d+(\.\d+)?)?$/, 'must look like 1920x1080@60').default('1920x1080@60')).describe(
    'the TV mode pinned with DRM output',
  ),
  IDLE_TEXT: text(z.string().max(300).default('GM stations: {url}   ·   {session}')).describe(
    'text on the idle screen; `{url}` (the address GMs open: https when HTTPS_PORT is on), `{ssid}` and `{session}` are filled in; `none` for no text',
  ),
  WIFI_SSID: text(z.string().max(32).optional()).describe("the hotspot's name, for `{ssid}` in IDLE_TEXT and the Wi-Fi QR code"),
  WIFI_PSK: text(z.string().min(8).max(63).optional()).describe("the hotspot's WPA2 passphrase, for the idle screen's Wi-Fi QR code"),
  IDLE_WIFI_QR: text(z.enum(['setup', 'on', 'off']).default('setup')).describe(
    'a `WIFI:` QR code on the welcome screen that joins tablets to the hotspot (needs WIFI_SSID and WIFI_PSK): `setup` shows it only while no session runs or before its first scan (hidden during the game, so players do not join the GM network); `on` on every welcome screen; `off` never',
  ),
  HOST_ROOT: text(z.string().default('/')).describe('root prefix of /sys, /proc and /dev (tests point it at a fake tree)'),
  RESET_BUTTON_DRIVER: text(z.enum(['auto', 'evdev', 'onoff', 'none']).default('auto')).describe(
    '`evdev` reads the gpio-keys device of the `gpio-key` overlay; `onoff` reads RESET_BUTTON_PIN through sysfs GPIO; `auto`: evdev when the device exists, else onoff when sysfs GPIO is writable; `none` for no button',
  ),
  RESET_BUTTON_PIN: integer(z.number().int().min(0).max(53).default(17)).describe('the BCM pin of the button, for the onoff driver'),
  RESET_LED_PIN: integer(z.number().int().min(0).max(53).optional()).describe(
    'the BCM pin of an optional status LED: blinks while the button is held, flashes on reset',
  ),
  RESET_BUTTON_DEVICE: text(z.string().optional()).describe('the input device; unset: the gpio-keys device under /dev/input/by-path'),
  RESET_BUTTON_KEYCODE: integer(z.number().int().min(1).max(767).default(148)).describe(
    'the key code the overlay gives the button (148, KEY_PROG1: no desktop or logind action)',
  ),
  RESET_HOLD_MS: integer(z.number().int().min(500).max(30_000).default(3000)).describe('how long the button is held to reset the game'),
  PLAYER_SCAN_STALE_S: integer(z.number().int().min(1).max(86_400).default(60)).describe(
    "a player scan made (by the scanner's `scannedAt`) more than this many seconds before it arrives is recorded but starts no clip, so scans replayed after a Wi-Fi gap never start videos late",
  ),
  VIDEO_BUSY_POLICY: text(z.enum(['reject', 'queue']).default('reject')).describe(
    'a player scan of a video while another plays: `reject` (409 VIDEO_BUSY) or `queue`',
  ),
  LOG_LEVEL: text(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')).describe(
    'pino log level',
  ),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = Partial<Record<keyof Config, unknown>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const PATH_KEYS = ['DATA_DIR', 'TOKENS_FILE', 'MEDIA_DIR', 'SCORING_FILE', 'CUES_FILE', 'MPV_SOCKET', 'RESET_BUTTON_DEVICE'] as const;

/**
 * Environment variables overlaid by the JSON file named by `--config FILE` or CONFIG_FILE.
 * Relative paths resolve against `baseDir` (the checkout), so the demo show works from anywhere.
 */
export function loadConfig(options: { env: NodeJS.ProcessEnv; argv: string[]; baseDir: string }): Config {
  let values: { config?: string | undefined };
  try {
    ({ values } = parseArgs({ args: options.argv, options: { config: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new ConfigError(`invalid command line: ${(error as Error).message} (the only option is --config FILE)`);
  }
  const file = values.config ?? emptyIsUnset(options.env.CONFIG_FILE);
  const input: Record<string, unknown> = {};
  for (const key of ConfigSchema.keyof().options) if (options.env[key] !== undefined) input[key] = options.env[key];
  if (typeof file === 'string') Object.assign(input, readConfigFile(file));
  return parseConfig(input, options.baseDir);
}

export function parseConfig(input: ConfigInput, baseDir: string): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.map(String).join('.') || '(config)';
    throw new ConfigError(`invalid configuration: ${key}: ${issue?.message ?? 'invalid'}`);
  }
  const config = { ...result.data };
  for (const key of PATH_KEYS) {
    const value = config[key];
    if (typeof value === 'string' && value !== 'none' && !isAbsolute(value)) config[key] = resolve(baseDir, value);
  }
  return config;
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`invalid configuration: --config ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`invalid configuration: --config ${file}: must be a JSON object`);
  }
  const known = new Set<string>(ConfigSchema.keyof().options);
  const unknown = Object.keys(parsed).find((key) => !known.has(key));
  if (unknown !== undefined) throw new ConfigError(`invalid configuration: ${unknown}: unknown setting`);
  return parsed as Record<string, unknown>;
}

/** The configuration as a Markdown table, for the README. */
export function configTable(): string {
  const defaults = ConfigSchema.parse({});
  const rows = ConfigSchema.keyof().options.map((key) => {
    const value = defaults[key];
    const shown = value === undefined ? '(unset)' : `\`${String(value)}\``;
    return `| \`${key}\` | ${shown} | ${ConfigSchema.shape[key].description ?? ''} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** README text with the table between its `config-table` markers regenerated. */
export function withConfigTable(readme: string): string {
  return readme.replace(
    /(<!-- config-table:start -->\n)[\s\S]*?(<!-- config-table:end -->)/,
    (_match, start: string, end: string) => `${start}${configTable()}${end}`,
  );
}
