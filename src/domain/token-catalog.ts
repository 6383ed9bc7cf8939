import type { ShowToken, TokensFile } from '../contract/index.js';
import { parseGroupLabel, tokenValue, type ScoringRules } from './scoring.js';

export interface CatalogToken extends ShowToken {
  readonly groupKey?: string;
}

export interface TokenGroup {
  readonly name: string;
  readonly multiplier: number;
  readonly memberIds: readonly string[];
  /** (N − 1) × the sum of the members' values; 0 for groups of one member. */
  readonly bonus: number;
}

export class CatalogError extends Error {
  constructor(
    readonly tokenId: string,
    readonly field: string,
    message: string,
  ) {
    super(`token ${JSON.stringify(tokenId)}: ${field}: ${message}`);
    this.name = 'CatalogError';
  }
}

/** The show's tokens, looked up case-insensitively, with their values and groups. */
export class TokenCatalog {
  private readonly byKey = new Map<string, CatalogToken>();
  private readonly groups = new Map<string, TokenGroup>();

  constructor(file: TokensFile, rules: ScoringRules) {
    const members = new Map<string, { name: string; multiplier: number; ids: string[] }>();
    for (const [id, entry] of Object.entries(file)) {
      const key = TokenCatalog.keyOf(id);
      if (this.byKey.has(key)) throw new CatalogError(id, 'id', 'differs from another token only in letter case');
      const label = parseGroupLabel(entry.SF_Group);
      if (label && label.multiplier < 1) throw new CatalogError(id, 'SF_Group', 'the group multiplier must be x1 or more');
      const groupKey = label?.name.toLowerCase();
      if (label && groupKey !== undefined) {
        const group = members.get(groupKey);
        if (!group) members.set(groupKey, { name: label.name, multiplier: label.multiplier, ids: [id] });
        else if (group.multiplier !== label.multiplier) {
          throw new CatalogError(id, 'SF_Group', `multiplier x${label.multiplier} differs from x${group.multiplier} elsewhere in group "${group.name}"`);
        } else group.ids.push(id);
      }
      const token: CatalogToken = {
        id,
        value: tokenValue(rules, entry.SF_ValueRating, entry.SF_MemoryType),
        rating: entry.SF_ValueRating,
        memoryType: entry.SF_MemoryType,
        ...(label && groupKey !== undefined ? { group: label.name, groupKey } : {}),
        ...(entry.video ? { video: entry.video } : {}),
        ...(entry.image ? { image: entry.image } : {}),
        ...(entry.audio ? { audio: entry.audio } : {}),
      };
      this.byKey.set(key, token);
    }
    for (const [groupKey, group] of members) {
      const sum = group.ids.reduce((total, id) => total + (this.get(id)?.value ?? 0), 0);
      const bonus = group.ids.length >= 2 ? (group.multiplier - 1) * sum : 0;
      this.groups.set(groupKey, { name: group.name, multiplier: group.multiplier, memberIds: group.ids, bonus });
    }
  }

  static keyOf(tokenId: string): string {
    return tokenId.trim().toLowerCase();
  }

  get(tokenId: string): CatalogToken | undefined {
    return this.byKey.get(TokenCatalog.keyOf(tokenId));
  }

  group(groupKey: string): TokenGroup | undefined {
    return this.groups.get(groupKey);
  }

  list(): ShowToken[] {
    return [...this.byKey.values()].map(({ groupKey: _groupKey, ...token }) => token);
  }

  get size(): number {
    return this.byKey.size;
  }
}
