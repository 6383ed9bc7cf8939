import type { TeamScore, Transaction } from '../contract/index.js';
import { TokenCatalog } from './token-catalog.js';

interface TeamTally {
  baseScore: number;
  bonusPoints: number;
  tokens: Set<string>;
  completedGroups: string[];
  lastUpdate: string;
}

/**
 * Team scores derived from accepted transactions only, so they can be rebuilt from the log
 * at any time and never drift from it.
 */
export class ScoreBoard {
  private readonly teams = new Map<string, TeamTally>();

  constructor(private readonly catalog: TokenCatalog) {}

  static fromLog(catalog: TokenCatalog, transactions: Iterable<Transaction>): ScoreBoard {
    const board = new ScoreBoard(catalog);
    for (const transaction of transactions) board.apply(transaction);
    return board;
  }

  /**
   * Counts a transaction. A team appears with its first accepted transaction: a duplicate or
   * rejected scan never creates one (it only touches an existing team's lastUpdate).
   */
  apply(transaction: Transaction): void {
    if (transaction.status !== 'accepted') {
      const existing = this.teams.get(transaction.teamId);
      if (existing) existing.lastUpdate = transaction.timestamp;
      return;
    }
    const tally = this.tallyOf(transaction.teamId, transaction.timestamp);
    tally.lastUpdate = transaction.timestamp;
    const token = this.catalog.get(transaction.tokenId);
    const key = TokenCatalog.keyOf(transaction.tokenId);
    tally.tokens.add(key);
    tally.baseScore += transaction.points;
    if (!token?.groupKey) return;
    const group = this.catalog.group(token.groupKey);
    if (!group || group.memberIds.length < 2 || tally.completedGroups.includes(group.name)) return;
    if (group.memberIds.every((id) => tally.tokens.has(TokenCatalog.keyOf(id)))) {
      tally.completedGroups.push(group.name);
      tally.bonusPoints += group.bonus;
    }
  }

  hasTeam(teamId: string): boolean {
    return this.teams.has(teamId);
  }

  teamCount(): number {
    return this.teams.size;
  }

  scores(): TeamScore[] {
    return [...this.teams.entries()]
      .map(([teamId, tally]) => ({
        teamId,
        currentScore: tally.baseScore + tally.bonusPoints,
        tokensScanned: tally.tokens.size,
        bonusPoints: tally.bonusPoints,
        completedGroups: [...tally.completedGroups],
        lastUpdate: tally.lastUpdate,
      }))
      .sort((a, b) => b.currentScore - a.currentScore || a.teamId.localeCompare(b.teamId));
  }

  private tallyOf(teamId: string, timestamp: string): TeamTally {
    let tally = this.teams.get(teamId);
    if (!tally) {
      tally = { baseScore: 0, bonusPoints: 0, tokens: new Set(), completedGroups: [], lastUpdate: timestamp };
      this.teams.set(teamId, tally);
    }
    return tally;
  }
}
