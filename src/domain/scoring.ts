import type { ScoringFile } from '../contract/index.js';

export interface ScoringRules {
  /** Base value by rating 1..5. */
  readonly baseValues: Readonly<Record<number, number>>;
  /** Multiplier by memory type, matched case-insensitively; unknown types score 0. */
  readonly typeMultipliers: Readonly<Record<string, number>>;
}

export const defaultScoringRules: ScoringRules = {
  baseValues: { 1: 10000, 2: 25000, 3: 50000, 4: 75000, 5: 150000 },
  typeMultipliers: { personal: 1, mention: 3, business: 3, party: 5, technical: 5 },
};

export function scoringRulesFrom(overrides: ScoringFile | undefined): ScoringRules {
  const baseValues: Record<number, number> = { ...defaultScoringRules.baseValues };
  for (const [rating, value] of Object.entries(overrides?.baseValues ?? {})) baseValues[Number(rating)] = value;
  const typeMultipliers: Record<string, number> = { ...defaultScoringRules.typeMultipliers };
  for (const [type, multiplier] of Object.entries(overrides?.typeMultipliers ?? {})) {
    typeMultipliers[type.toLowerCase()] = multiplier;
  }
  return { baseValues, typeMultipliers };
}

export function tokenValue(rules: ScoringRules, rating: number, memoryType: string): number {
  const base = rules.baseValues[rating] ?? 0;
  const multiplier = Object.hasOwn(rules.typeMultipliers, memoryType.toLowerCase())
    ? (rules.typeMultipliers[memoryType.toLowerCase()] ?? 0)
    : 0;
  return Math.round(base * multiplier);
}

export interface GroupLabel {
  readonly name: string;
  readonly multiplier: number;
}

/** Parses `"Name (xN)"`; a name without the suffix is a group with multiplier 1 (no bonus). */
export function parseGroupLabel(label: string): GroupLabel | undefined {
  const trimmed = label.trim();
  if (trimmed === '') return undefined;
  const match = /^(.*?)\s*\(x(\d+)\)$/i.exec(trimmed);
  if (!match) return { name: trimmed, multiplier: 1 };
  const name = (match[1] ?? '').trim();
  return { name: name === '' ? trimmed : name, multiplier: Number(match[2]) };
}
