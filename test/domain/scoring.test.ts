import { describe, expect, it } from 'vitest';
import { defaultScoringRules, parseGroupLabel, scoringRulesFrom, tokenValue } from '../../src/domain/scoring.js';

describe('default scoring rules', () => {
  it.each([
    [1, 10_000],
    [2, 25_000],
    [3, 50_000],
    [4, 75_000],
    [5, 150_000],
  ])('a Personal token rated %i is worth %i', (rating, value) => {
    expect(tokenValue(defaultScoringRules, rating, 'Personal')).toBe(value);
  });

  it.each([
    ['Personal', 1],
    ['Mention', 3],
    ['Business', 3],
    ['Party', 5],
    ['Technical', 5],
  ])('multiplies by the %s type multiplier (%i)', (memoryType, multiplier) => {
    expect(tokenValue(defaultScoringRules, 2, memoryType)).toBe(25_000 * multiplier);
  });

  it('scores an unknown memory type 0', () => {
    expect(tokenValue(defaultScoringRules, 5, 'Mystery')).toBe(0);
  });

  it('does not mistake an Object prototype key for a memory type', () => {
    expect(tokenValue(defaultScoringRules, 5, 'constructor')).toBe(0);
    expect(tokenValue(defaultScoringRules, 5, 'toString')).toBe(0);
  });

  it('matches the memory type case-insensitively', () => {
    expect(tokenValue(defaultScoringRules, 3, 'TECHNICAL')).toBe(250_000);
    expect(tokenValue(defaultScoringRules, 3, 'technical')).toBe(250_000);
    expect(tokenValue(defaultScoringRules, 3, 'tEcHnIcAl')).toBe(250_000);
  });

  it('scores a rating outside 1..5 0', () => {
    expect(tokenValue(defaultScoringRules, 6, 'Party')).toBe(0);
    expect(tokenValue(defaultScoringRules, 0, 'Party')).toBe(0);
  });
});

describe('scoringRulesFrom', () => {
  it('gives the defaults without overrides', () => {
    expect(scoringRulesFrom(undefined)).toEqual(defaultScoringRules);
    expect(scoringRulesFrom({})).toEqual(defaultScoringRules);
  });

  it('replaces the base values it is given', () => {
    const rules = scoringRulesFrom({ baseValues: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 200_000 } });
    expect(tokenValue(rules, 5, 'Personal')).toBe(200_000);
    expect(tokenValue(rules, 1, 'Personal')).toBe(1);
  });

  it('overrides a multiplier whatever the case of its type, and keeps the other defaults', () => {
    const rules = scoringRulesFrom({ typeMultipliers: { PERSONAL: 2 } });
    expect(tokenValue(rules, 1, 'Personal')).toBe(20_000);
    expect(tokenValue(rules, 1, 'Party')).toBe(50_000);
    expect(tokenValue(rules, 1, 'Business')).toBe(30_000);
  });

  it('adds a new memory type, matched case-insensitively', () => {
    const rules = scoringRulesFrom({ typeMultipliers: { Mystery: 2 } });
    expect(tokenValue(rules, 3, 'mystery')).toBe(100_000);
    expect(tokenValue(rules, 3, 'MYSTERY')).toBe(100_000);
  });

  it('rounds a fractional multiplier to whole points', () => {
    const rules = scoringRulesFrom({ typeMultipliers: { Personal: 1.00001 } });
    expect(tokenValue(rules, 1, 'Personal')).toBe(10_000);
  });

  it('does not change the defaults', () => {
    scoringRulesFrom({ baseValues: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 }, typeMultipliers: { personal: 9 } });
    expect(tokenValue(defaultScoringRules, 1, 'Personal')).toBe(10_000);
  });
});

describe('parseGroupLabel', () => {
  it('reads the name and the multiplier', () => {
    expect(parseGroupLabel('Name (x3)')).toEqual({ name: 'Name', multiplier: 3 });
  });

  it('accepts an upper-case X', () => {
    expect(parseGroupLabel('Name (X2)')).toEqual({ name: 'Name', multiplier: 2 });
  });

  it('reads a multiplier of several digits', () => {
    expect(parseGroupLabel('Big Group (x12)')).toEqual({ name: 'Big Group', multiplier: 12 });
  });

  it('gives no group for an empty or blank label', () => {
    expect(parseGroupLabel('')).toBeUndefined();
    expect(parseGroupLabel('   ')).toBeUndefined();
  });

  it('treats a name without a suffix as a group with multiplier 1', () => {
    expect(parseGroupLabel('Plain Name')).toEqual({ name: 'Plain Name', multiplier: 1 });
  });

  it('trims spaces around the label and before the suffix', () => {
    expect(parseGroupLabel('  Server Logs   (x3)  ')).toEqual({ name: 'Server Logs', multiplier: 3 });
    expect(parseGroupLabel('Server Logs(x3)')).toEqual({ name: 'Server Logs', multiplier: 3 });
    expect(parseGroupLabel('  Plain Name ')).toEqual({ name: 'Plain Name', multiplier: 1 });
  });

  it('keeps a suffix that is not a multiplier as part of the name', () => {
    expect(parseGroupLabel('Name (y3)')).toEqual({ name: 'Name (y3)', multiplier: 1 });
    expect(parseGroupLabel('Name (x3) extra')).toEqual({ name: 'Name (x3) extra', multiplier: 1 });
  });
});
