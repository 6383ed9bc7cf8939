import { describe, expect, it } from 'vitest';
import type { TokenEntry, TokensFile } from '../../src/contract/index.js';
import { defaultScoringRules } from '../../src/domain/scoring.js';
import { CatalogError, TokenCatalog } from '../../src/domain/token-catalog.js';

function entry(id: string, rating: number, memoryType: string, group = '', video: string | null = null): TokenEntry {
  return {
    SF_RFID: id,
    SF_ValueRating: rating,
    SF_MemoryType: memoryType,
    SF_Group: group,
    image: null,
    audio: null,
    video,
    processingImage: null,
  };
}

function catalogOf(file: TokensFile): TokenCatalog {
  return new TokenCatalog(file, defaultScoringRules);
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('TokenCatalog', () => {
  const catalog = catalogOf({
    abc001: entry('abc001', 2, 'Business', '', 'abc001.mp4'),
    XYZ002: entry('XYZ002', 4, 'party'),
    grp1: entry('grp1', 1, 'Personal', 'Trio (x3)'),
    grp2: entry('grp2', 2, 'Personal', 'trio (x3)'),
    grp3: entry('grp3', 3, 'Business', 'Trio (x3)'),
    solo: entry('solo', 5, 'Business', 'Alone (x4)'),
    plain1: entry('plain1', 1, 'Personal', 'Plain'),
    plain2: entry('plain2', 1, 'Personal', 'Plain'),
  });

  it('looks tokens up whatever the case and surrounding spaces', () => {
    expect(catalog.get('ABC001')?.id).toBe('abc001');
    expect(catalog.get('xyz002')?.id).toBe('XYZ002');
    expect(catalog.get('  abc001 ')?.id).toBe('abc001');
    expect(catalog.get('nope')).toBeUndefined();
    expect(TokenCatalog.keyOf(' AbC ')).toBe('abc');
  });

  it('values a token by rating and memory type', () => {
    expect(catalog.get('abc001')).toMatchObject({ value: 75_000, rating: 2, memoryType: 'Business' });
    expect(catalog.get('XYZ002')?.value).toBe(375_000);
  });

  it('lists every token once, without the internal group key', () => {
    const list = catalog.list();
    expect(catalog.size).toBe(8);
    expect(list.map((t) => t.id)).toEqual(['abc001', 'XYZ002', 'grp1', 'grp2', 'grp3', 'solo', 'plain1', 'plain2']);
    expect(list[0]).toEqual({ id: 'abc001', value: 75_000, rating: 2, memoryType: 'Business', video: 'abc001.mp4' });
    expect(list.find((t) => t.id === 'grp2')).toEqual({
      id: 'grp2',
      value: 25_000,
      rating: 2,
      memoryType: 'Personal',
      group: 'trio',
    });
    for (const token of list) expect(token).not.toHaveProperty('groupKey');
  });

  it('omits null media from a token', () => {
    const token = catalog.list().find((t) => t.id === 'XYZ002');
    expect(token).toEqual({ id: 'XYZ002', value: 375_000, rating: 4, memoryType: 'party' });
  });

  it('gathers group members whatever the case of the group name', () => {
    const key = catalog.get('grp1')?.groupKey;
    expect(key).toBe('trio');
    expect(catalog.get('grp2')?.groupKey).toBe(key);
    expect(catalog.group('trio')).toMatchObject({ name: 'Trio', multiplier: 3, memberIds: ['grp1', 'grp2', 'grp3'] });
  });

  it('pays a group bonus of (N − 1) × the sum of the member values', () => {
    // 10 000 + 25 000 + 150 000 = 185 000, × (3 − 1)
    expect(catalog.group('trio')?.bonus).toBe(370_000);
  });

  it('pays no bonus for a group of one member', () => {
    expect(catalog.group('alone')).toMatchObject({ multiplier: 4, memberIds: ['solo'], bonus: 0 });
  });

  it('pays no bonus for a group without a multiplier', () => {
    expect(catalog.group('plain')).toMatchObject({ multiplier: 1, memberIds: ['plain1', 'plain2'], bonus: 0 });
  });

  it('gives no group to a token with an empty group label', () => {
    expect(catalog.get('abc001')).not.toHaveProperty('groupKey');
    expect(catalog.get('abc001')).not.toHaveProperty('group');
  });

  it('refuses two ids that differ only in letter case', () => {
    const error = thrown(() => catalogOf({ tok1: entry('tok1', 1, 'Personal'), TOK1: entry('TOK1', 1, 'Personal') }));
    expect(error).toBeInstanceOf(CatalogError);
    expect(error).toMatchObject({ tokenId: 'TOK1', field: 'id' });
    expect((error as Error).message).toContain('"TOK1"');
  });

  it('refuses a group whose members disagree on the multiplier', () => {
    const error = thrown(() =>
      catalogOf({ a: entry('a', 1, 'Personal', 'Pair (x2)'), b: entry('b', 1, 'Personal', 'pair (x3)') }),
    );
    expect(error).toBeInstanceOf(CatalogError);
    expect(error).toMatchObject({ tokenId: 'b', field: 'SF_Group' });
    expect((error as Error).message).toMatch(/x3.*x2/);
  });

  it('refuses a group multiplier below x1, which would pay a negative bonus', () => {
    const error = thrown(() => catalogOf({ a: entry('a', 1, 'Personal', 'Zero (x0)'), b: entry('b', 1, 'Personal', 'Zero (x0)') }));
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).field).toBe('SF_Group');
  });
});
