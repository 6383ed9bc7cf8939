import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScoringRules, loadTokenCatalog, checkVideos, ShowFileError } from '../../src/adapters/show-files.js';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import { defaultScoringRules, tokenValue } from '../../src/domain/scoring.js';
import type { TokenCatalog } from '../../src/domain/token-catalog.js';
import { caught } from '../support/caught.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { tempDirPerTest } from '../support/temp-dir.js';

const DEMO_TOKENS = fileURLToPath(new URL('../../demo/tokens.json', import.meta.url));
const DEMO_MEDIA = fileURLToPath(new URL('../../demo/media', import.meta.url));

const tmp = tempDirPerTest('show-files-test-');

function goodEntry(id: string): Record<string, unknown> {
  return { SF_RFID: id, SF_ValueRating: 3, SF_MemoryType: 'Business', SF_Group: '', image: null, audio: null, video: null, processingImage: null };
}

function writeJson(name: string, content: unknown): string {
  const file = join(tmp.path, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const showFileError = (action: () => unknown): ShowFileError => caught(action, ShowFileError);

describe('loadTokenCatalog', () => {
  it('loads the test fixture with its values and groups', () => {
    const catalog = loadTokenCatalog(FIXTURE_TOKENS, defaultScoringRules);
    expect(catalog.size).toBe(14);
    expect(
      ['tok001', 'tok002', 'tok003', 'tok004', 'tok005', 'tok006'].map((id) => [catalog.get(id)?.id, catalog.get(id)?.value]),
    ).toEqual([
      ['tok001', 10_000],
      ['tok002', 75_000],
      ['tok003', 250_000],
      ['TOK004', 375_000],
      ['tok005', 450_000],
      ['tok006', 0],
    ]);
    expect(catalog.get('tok002')?.video).toBe('tok002.mp4');
    expect(catalog.group('trio')).toMatchObject({ memberIds: ['grp001', 'grp002', 'grp003'], bonus: 370_000 });
    expect(catalog.group('pair')).toMatchObject({ memberIds: ['pair01', 'pair02'], bonus: 175_000 });
    expect(catalog.group('alone')).toMatchObject({ memberIds: ['solo01'], bonus: 0 });
  });

  it('loads the demo show', () => {
    const catalog = loadTokenCatalog(DEMO_TOKENS, defaultScoringRules);
    expect(catalog.size).toBe(20);
    expect(catalog.get('hos001')).toMatchObject({ rating: 4, memoryType: 'Personal', value: 75_000, video: 'hos001.mp4' });
    const serverLogs = catalog.group('server logs');
    expect(serverLogs).toMatchObject({ name: 'Server Logs', multiplier: 3, memberIds: ['asm031', 'jaw011', 'tac007'] });
    // 4 Technical + 3 Technical + 3 Technical = 375 000 + 250 000 + 250 000, × (3 − 1)
    expect(serverLogs?.bonus).toBe(1_750_000);
    expect(catalog.group('marcus sucks')).toMatchObject({ multiplier: 2, memberIds: ['mab002', 'rat001'] });
    for (const token of catalog.list()) {
      expect(token.value).toBe(tokenValue(defaultScoringRules, token.rating, token.memoryType));
    }
  });

  it('uses the scoring rules it is given', () => {
    const catalog = loadTokenCatalog(FIXTURE_TOKENS, { ...defaultScoringRules, typeMultipliers: { personal: 2 } });
    expect(catalog.get('tok001')?.value).toBe(20_000);
    expect(catalog.get('tok002')?.value).toBe(0);
  });

  it.each([
    ['a rating of 7', { SF_ValueRating: 7 }, 'SF_ValueRating'],
    ['a rating of 0', { SF_ValueRating: 0 }, 'SF_ValueRating'],
    ['a fractional rating', { SF_ValueRating: 2.5 }, 'SF_ValueRating'],
    ['a missing memory type', { SF_MemoryType: undefined }, 'SF_MemoryType'],
    ['an empty memory type', { SF_MemoryType: '' }, 'SF_MemoryType'],
    ['a missing group', { SF_Group: undefined }, 'SF_Group'],
    ['a video path with ..', { video: '../etc/passwd.mp4' }, 'video'],
    ['a video path with .. inside', { video: 'clips/../../secret.mp4' }, 'video'],
    ['an absolute video path', { video: '/etc/passwd' }, 'video'],
    ['an image path with a backslash ..', { image: '..\\boot.png' }, 'image'],
  ])('refuses %s, naming the token and the field', (_what, change, field) => {
    const file = writeJson('tokens.json', { good01: goodEntry('good01'), bad042: { ...goodEntry('bad042'), ...change } });
    const error = showFileError(() => loadTokenCatalog(file, defaultScoringRules));
    expect(error.message).toContain(file);
    expect(error.message).toContain('token "bad042"');
    expect(error.message).toContain(`: ${field}:`);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    const file = writeJson('tokens.json', '{ "tok001": { "SF_RFID": ');
    const error = showFileError(() => loadTokenCatalog(file, defaultScoringRules));
    expect(error.message).toMatch(/^tokens file /);
    expect(error.message).toContain(file);
  });

  it('refuses a file that does not exist, naming it', () => {
    const file = join(tmp.path, 'missing.json');
    expect(showFileError(() => loadTokenCatalog(file, defaultScoringRules)).message).toContain(file);
  });

  it('refuses a file that is not an object of tokens', () => {
    const file = writeJson('tokens.json', [goodEntry('a')]);
    expect(showFileError(() => loadTokenCatalog(file, defaultScoringRules)).message).toContain(file);
  });

  it('refuses ids that differ only in case, naming them', () => {
    const file = writeJson('tokens.json', { abc: goodEntry('abc'), ABC: goodEntry('ABC') });
    const error = showFileError(() => loadTokenCatalog(file, defaultScoringRules));
    expect(error.message).toContain(file);
    expect(error.message).toContain('token "ABC": id:');
  });

  it('refuses a group whose members disagree on the multiplier, naming the token and the field', () => {
    const file = writeJson('tokens.json', {
      one: { ...goodEntry('one'), SF_Group: 'Duo (x2)' },
      two: { ...goodEntry('two'), SF_Group: 'Duo (x4)' },
    });
    expect(showFileError(() => loadTokenCatalog(file, defaultScoringRules)).message).toContain('token "two": SF_Group:');
  });

  it('accepts a video in a subfolder of the media folder', () => {
    const file = writeJson('tokens.json', { clip01: { ...goodEntry('clip01'), video: 'act1/clip01.mp4' } });
    expect(loadTokenCatalog(file, defaultScoringRules).get('clip01')?.video).toBe('act1/clip01.mp4');
  });
});

describe('loadScoringRules', () => {
  it('gives the defaults without a file', () => {
    expect(loadScoringRules(undefined)).toEqual(defaultScoringRules);
  });

  it('applies the overrides of a scoring file', () => {
    const file = writeJson('scoring.json', {
      baseValues: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      typeMultipliers: { Mystery: 7 },
    });
    const rules = loadScoringRules(file);
    expect(tokenValue(rules, 3, 'mystery')).toBe(21);
    expect(tokenValue(rules, 3, 'Personal')).toBe(3);
  });

  it('refuses a negative value, naming the file', () => {
    const file = writeJson('scoring.json', { typeMultipliers: { Personal: -1 } });
    const error = showFileError(() => loadScoringRules(file));
    expect(error.message).toContain(file);
    expect(error.message).toContain('Personal');
  });

  it('takes a partial override and keeps the other defaults', () => {
    const file = writeJson('scoring.json', { baseValues: { '5': 200000 } });
    const rules = loadScoringRules(file);
    expect(tokenValue(rules, 5, 'Personal')).toBe(200000);
    expect(tokenValue(rules, 1, 'Personal')).toBe(10000);
  });

  it('names the key path, not a token, when a scoring file is wrong', () => {
    const file = writeJson('scoring.json', { baseValues: { '1': 'ten' } });
    const message = showFileError(() => loadScoringRules(file)).message;
    expect(message).toContain('baseValues.1');
    expect(message).not.toContain('token');
  });

  it('refuses a file that is not JSON', () => {
    const file = writeJson('scoring.json', 'nope');
    expect(showFileError(() => loadScoringRules(file)).message).toMatch(/^scoring file /);
  });
});

describe('checkVideos', () => {
  const missingVideos = (catalog: TokenCatalog, folder: string) => checkVideos(catalog, new MediaFolder(folder)).missing;

  it('finds every video of the demo show in its media folder', () => {
    const catalog = loadTokenCatalog(DEMO_TOKENS, defaultScoringRules);
    expect(catalog.list().filter((t) => t.video !== undefined)).toHaveLength(4);
    expect(missingVideos(catalog, DEMO_MEDIA)).toEqual([]);
    expect(missingVideos(catalog, tmp.path).sort()).toEqual(['hos001.mp4', 'jaw011.mp4', 'rat001.mp4', 'vik003.mp4']);
  });

  it('lists a video once it is removed from the media folder', () => {
    const file = writeJson('tokens.json', {
      a: { ...goodEntry('a'), video: 'a.mp4' },
      b: { ...goodEntry('b'), video: 'sub/b.mp4' },
      c: goodEntry('c'),
    });
    const catalog = loadTokenCatalog(file, defaultScoringRules);
    const media = join(tmp.path, 'media');
    mkdirSync(join(media, 'sub'), { recursive: true });
    writeFileSync(join(media, 'a.mp4'), '');
    writeFileSync(join(media, 'sub', 'b.mp4'), '');
    expect(missingVideos(catalog, media)).toEqual([]);
    rmSync(join(media, 'a.mp4'));
    expect(missingVideos(catalog, media)).toEqual(['a.mp4']);
    expect(missingVideos(catalog, join(tmp.path, 'no-such-folder'))).toEqual(['a.mp4', 'sub/b.mp4']);
  });

  it('stops the start when a video is a symlink leading out of the media folder, naming the token', () => {
    const media = join(tmp.path, 'media');
    mkdirSync(media, { recursive: true });
    writeFileSync(join(tmp.path, 'secret.mp4'), 'outside');
    symlinkSync(join(tmp.path, 'secret.mp4'), join(media, 'escape.mp4'));
    const file = writeJson('tokens.json', { sneaky: { ...goodEntry('sneaky'), video: 'escape.mp4' } });
    const catalog = loadTokenCatalog(file, defaultScoringRules);
    const error = showFileError(() => checkVideos(catalog, new MediaFolder(media)));
    expect(error.message).toContain('sneaky');
    expect(error.message).toContain('video');
  });
});
