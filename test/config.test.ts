import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, loadConfig, parseConfig, type ConfigInput } from '../src/config.js';
import { caught } from './support/caught.js';
import { tempDirPerTest } from './support/temp-dir.js';

const BASE = resolve('/opt/orchestrator');

const tmp = tempDirPerTest('config-test-');

function configFile(content: unknown): string {
  const file = join(tmp.path, 'config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const configError = (action: () => unknown): ConfigError => caught(action, ConfigError);

describe('parseConfig', () => {
  it('fills in the defaults and resolves relative paths against the base folder', () => {
    expect(parseConfig({}, BASE)).toEqual({
      PORT: 3000,
      HTTPS_PORT: 3443,
      HOST: '0.0.0.0',
      DATA_DIR: join(BASE, 'data'),
      TOKENS_FILE: join(BASE, 'demo/tokens.json'),
      MEDIA_DIR: join(BASE, 'demo/media'),
      MAX_GM_STATIONS: 10,
      MAX_TEAMS: 50,
      MAX_PLAYER_DEVICES: 100,
      MAX_VIDEO_QUEUE: 10,
      IDENTIFY_TIMEOUT_MS: 10_000,
      LOG_LEVEL: 'info',
      VIDEO_PLAYER: 'mpv',
      MPV_BINARY: 'mpv',
      MPV_ARGS: '',
      SOUND_PLAYER: 'mpv',
      AUDIO_OUTPUT: 'auto',
      SOUND_MPV_ARGS: '',
      IDLE_MEDIA: 'idle.png',
      VIDEO_OUTPUT: 'auto',
      DISPLAY_MODE: '1920x1080@60',
      IDLE_TEXT: 'GM stations: {url}   ·   {session}',
      IDLE_WIFI_QR: 'setup',
      MAX_DISPLAYS: 20,
      HOST_ROOT: '/',
      RESET_BUTTON_DRIVER: 'auto',
      RESET_BUTTON_PIN: 17,
      RESET_BUTTON_KEYCODE: 148,
      RESET_HOLD_MS: 3000,
      PLAYER_SCAN_STALE_S: 60,
      VIDEO_BUSY_POLICY: 'reject',
    });
  });

  it('leaves the optional settings unset', () => {
    const config = parseConfig({}, BASE);
    expect(config.SCORING_FILE).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    expect(config.STATION_TOKEN).toBeUndefined();
    expect(config.WIFI_PSK).toBeUndefined();
    expect(config.RESET_LED_PIN).toBeUndefined();
    expect(config.CUE_HOSTS).toBeUndefined();
  });

  it('takes a cues file, or none for no cues', () => {
    expect(parseConfig({ CUES_FILE: 'show/cues.json' }, BASE).CUES_FILE).toBe(join(BASE, 'show/cues.json'));
    expect(parseConfig({ CUES_FILE: 'none' }, BASE).CUES_FILE).toBe('none');
  });

  it('coerces the strings of the environment', () => {
    const config = parseConfig({ PORT: '8080', MAX_GM_STATIONS: '4', LOG_LEVEL: 'debug', HOST: '127.0.0.1' }, BASE);
    expect(config).toMatchObject({ PORT: 8080, MAX_GM_STATIONS: 4, LOG_LEVEL: 'debug', HOST: '127.0.0.1' });
  });

  it('accepts port 0 (any free port)', () => {
    expect(parseConfig({ PORT: '0' }, BASE).PORT).toBe(0);
  });

  it('takes an HTTPS port, or none for HTTP only', () => {
    expect(parseConfig({ HTTPS_PORT: '8443' }, BASE).HTTPS_PORT).toBe(8443);
    expect(parseConfig({ HTTPS_PORT: 'none' }, BASE).HTTPS_PORT).toBe('none');
    expect(parseConfig({ HTTPS_PORT: '' }, BASE).HTTPS_PORT).toBe(3443);
  });

  it('resolves every relative path against the base folder and keeps absolute ones', () => {
    const config = parseConfig(
      { DATA_DIR: '/var/lib/orchestrator', TOKENS_FILE: 'show/tokens.json', MEDIA_DIR: '../media', SCORING_FILE: 'scoring.json' },
      BASE,
    );
    expect(config).toMatchObject({
      DATA_DIR: '/var/lib/orchestrator',
      TOKENS_FILE: join(BASE, 'show/tokens.json'),
      MEDIA_DIR: resolve(BASE, '../media'),
      SCORING_FILE: join(BASE, 'scoring.json'),
    });
  });

  it('treats an empty value as unset', () => {
    const config = parseConfig({ PORT: '', HOST: '', ADMIN_PASSWORD: '', STATION_TOKEN: '', LOG_LEVEL: '', DATA_DIR: '' }, BASE);
    expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info', DATA_DIR: join(BASE, 'data') });
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    expect(config.STATION_TOKEN).toBeUndefined();
  });

  it('keeps secrets of 8 characters or more', () => {
    expect(parseConfig({ ADMIN_PASSWORD: 'abcdefgh', STATION_TOKEN: 'station-secret' }, BASE)).toMatchObject({
      ADMIN_PASSWORD: 'abcdefgh',
      STATION_TOKEN: 'station-secret',
    });
  });

  it.each<[string, ConfigInput]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['HTTPS_PORT', { HTTPS_PORT: 'off' }],
    ['HTTPS_PORT', { HTTPS_PORT: '70000' }],
    ['MAX_GM_STATIONS', { MAX_GM_STATIONS: '0' }],
    ['MAX_GM_STATIONS', { MAX_GM_STATIONS: 'many' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: 'short' }],
    ['STATION_TOKEN', { STATION_TOKEN: 'tiny' }],
  ])('refuses a bad %s with a ConfigError naming it (%o)', (key, input) => {
    const error = configError(() => parseConfig(input, BASE));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(`${key}:`);
  });

  it('does not echo a rejected secret', () => {
    const error = configError(() => parseConfig({ ADMIN_PASSWORD: 'hunter2' }, BASE));
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('at least 8 characters');
  });

  it('describes every setting', () => {
    for (const [key, schema] of Object.entries(ConfigSchema.shape)) {
      expect(schema.description, key).toBeTruthy();
    }
  });
});

describe('loadConfig', () => {
  it('reads the settings from the environment, ignoring other variables', () => {
    const config = loadConfig({ env: { PORT: '4000', LOG_LEVEL: 'warn', PATH: '/usr/bin', HOME: '/root' }, argv: [], baseDir: BASE });
    expect(config).toMatchObject({ PORT: 4000, LOG_LEVEL: 'warn', HOST: '0.0.0.0' });
    expect(config).not.toHaveProperty('PATH');
  });

  it('gives the defaults with an empty environment', () => {
    expect(loadConfig({ env: {}, argv: [], baseDir: BASE })).toEqual(parseConfig({}, BASE));
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({ env: { PORT: '', MAX_GM_STATIONS: '' }, argv: [], baseDir: BASE })).toMatchObject({
      PORT: 3000,
      MAX_GM_STATIONS: 10,
    });
  });

  it('overlays the file named by --config on the environment', () => {
    const file = configFile({ PORT: 5000, MEDIA_DIR: 'clips', STATION_TOKEN: 'from-the-file' });
    const config = loadConfig({
      env: { PORT: '4000', HOST: '127.0.0.1', STATION_TOKEN: 'from-the-env' },
      argv: ['--config', file],
      baseDir: BASE,
    });
    expect(config).toMatchObject({ PORT: 5000, HOST: '127.0.0.1', MEDIA_DIR: join(BASE, 'clips'), STATION_TOKEN: 'from-the-file' });
  });

  it('accepts --config=FILE', () => {
    const file = configFile({ MAX_GM_STATIONS: 3 });
    expect(loadConfig({ env: {}, argv: [`--config=${file}`], baseDir: BASE }).MAX_GM_STATIONS).toBe(3);
  });

  it('reads the file named by CONFIG_FILE', () => {
    const file = configFile({ LOG_LEVEL: 'error' });
    expect(loadConfig({ env: { CONFIG_FILE: file, LOG_LEVEL: 'debug' }, argv: [], baseDir: BASE }).LOG_LEVEL).toBe('error');
  });

  it('prefers --config to CONFIG_FILE', () => {
    const chosen = configFile({ LOG_LEVEL: 'error' });
    const other = join(tmp.path, 'other.json');
    writeFileSync(other, JSON.stringify({ LOG_LEVEL: 'trace' }));
    const config = loadConfig({ env: { CONFIG_FILE: other }, argv: ['--config', chosen], baseDir: BASE });
    expect(config.LOG_LEVEL).toBe('error');
  });

  it('ignores an empty CONFIG_FILE', () => {
    expect(loadConfig({ env: { CONFIG_FILE: '' }, argv: [], baseDir: BASE }).PORT).toBe(3000);
  });

  it('refuses an unknown key in the file, naming it', () => {
    const file = configFile({ PORT: 3000, PROT: 3001 });
    const error = configError(() => loadConfig({ env: {}, argv: ['--config', file], baseDir: BASE }));
    expect(error.message).toContain('PROT');
  });

  it('refuses a bad value in the file, naming the key', () => {
    const file = configFile({ PORT: 70000 });
    expect(configError(() => loadConfig({ env: {}, argv: ['--config', file], baseDir: BASE })).message).toContain('PORT:');
  });

  it('refuses a bad value in the environment, naming the key', () => {
    expect(configError(() => loadConfig({ env: { PORT: 'abc' }, argv: [], baseDir: BASE })).message).toContain('PORT:');
  });

  it.each([
    ['invalid JSON', '{ "PORT": '],
    ['an array', '[1, 2]'],
    ['null', 'null'],
  ])('refuses a file holding %s, naming the file', (_what, content) => {
    const file = configFile(content);
    expect(configError(() => loadConfig({ env: {}, argv: ['--config', file], baseDir: BASE })).message).toContain(file);
  });

  it('refuses a file that does not exist, naming it', () => {
    const file = join(tmp.path, 'missing.json');
    expect(configError(() => loadConfig({ env: {}, argv: ['--config', file], baseDir: BASE })).message).toContain(file);
  });
});

describe('numbers are not guessed', () => {
  it.each([[null], [true], [[]], [{}], ['3000abc'], ['1e3']])('refuses PORT=%j, naming the key', (value) => {
    expect(configError(() => parseConfig({ PORT: value }, BASE)).message).toContain('PORT');
  });

  it('treats a blank environment value as unset', () => {
    expect(parseConfig({ PORT: '   ', MAX_GM_STATIONS: ' ' }, BASE)).toMatchObject({ PORT: 3000, MAX_GM_STATIONS: 10 });
  });

  it('refuses an unknown command-line option with a ConfigError', () => {
    expect(configError(() => loadConfig({ env: {}, argv: ['--port', '1'], baseDir: BASE })).message).toContain('--config');
  });
});
