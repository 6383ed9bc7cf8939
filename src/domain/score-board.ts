import type { GroupCompleted, TeamScore, Transaction } from '../contract/index.js';
import { TokenCatalog } from './token-catalog.js';

interface TeamTally {
  name: string;
  baseScore: number;
  bonusPoints: number;
  adjustmentPoints: number;
  tokens: Set<string>;
  completedGroups: string[];
  lastUpdate: string;
}

/**
 * Team scores derived from the log: standing accepted transactions, the group bonuses they
 * complete, and staff's adjustments. Voiding a transaction takes back its points and any
 * group it broke, so the board can always be rebuilt from the log and never drifts from it.
 */
export class ScoreBoard {
  private readonly teams = new Map<string, TeamTally>();

  constructor(private readonly catalog: TokenCatalog) {}

  /** A registered team, shown with 0 points until it scores. */
  addTeam(teamId: string, name: string, at: string): void {
    if (!this.teams.has(teamId)) this.teams.set(teamId, newTally(name, at));
  }

  rename(teamId: string, name: string): void {
    const tally = this.teams.get(teamId);
    if (tally) tally.name = name;
  }

  /**
   * Counts a transaction and answers the group it completed, if any. Only an accepted one
   * scores; any other only touches its team's lastUpdate.
   */
  apply(transaction: Transaction): GroupCompleted | undefined {
    if (transaction.status !== 'accepted') {
      const existing = this.teams.get(transaction.teamId);
      if (existing) existing.lastUpdate = transaction.timestamp;
      return undefined;
    }
    const tally = this.tallyOf(transaction.teamId, transaction.timestamp);
    tally.lastUpdate = transaction.timestamp;
    tally.tokens.add(TokenCatalog.keyOf(transaction.tokenId));
    tally.baseScore += transaction.points;
    const group = this.groupOf(transaction.tokenId);
    if (!group || tally.completedGroups.includes(group.name)) return undefined;
    if (!group.memberIds.every((id) => tally.tokens.has(TokenCatalog.keyOf(id)))) return undefined;
    tally.completedGroups.push(group.name);
    tally.bonusPoints += group.bonus;
    return { group: group.name, bonusPoints: group.bonus };
  }

  /** Takes back a voided accepted transaction: its points, and the bonus of a group it completed. */
  remove(transaction: Transaction, at: string): void {
    const tally = this.teams.get(transaction.teamId);
    if (!tally || transaction.status !== 'accepted') return;
    tally.lastUpdate = at;
    if (!tally.tokens.delete(TokenCatalog.keyOf(transaction.tokenId))) return;
    tally.baseScore -= transaction.points;
    const group = this.groupOf(transaction.tokenId);
    const index = group ? tally.completedGroups.indexOf(group.name) : -1;
    if (group && index >= 0) {
      tally.completedGroups.splice(index, 1);
      tally.bonusPoints -= group.bonus;
    }
  }

  /** A staff adjustment: signed points added to the team's score. */
  adjust(teamId: string, points: number, at: string): void {
    const tally = this.tallyOf(teamId, at);
    tally.adjustmentPoints += points;
    tally.lastUpdate = at;
  }

  hasTeam(teamId: string): boolean {
    return this.teams.has(teamId);
  }

  teamCount(): number {
    return this.teams.size;
  }

  score(teamId: string): TeamScore | undefined {
    const tally = this.teams.get(teamId);
    return tally && scoreOf(teamId, tally);
  }

  scores(): TeamScore[] {
    return [...this.teams.entries()]
      .map(([teamId, tally]) => scoreOf(teamId, tally))
      .sort((a, b) => b.currentScore - a.currentScore || a.name.localeCompare(b.name));
  }

  /** The token's group when it pays a bonus (two members or more). */
  private groupOf(tokenId: string) {
    const groupKey = this.catalog.get(tokenId)?.groupKey;
    const group = groupKey === undefined ? undefined : this.catalog.group(groupKey);
    return group && group.memberIds.length >= 2 ? group : undefined;
  }

  private tallyOf(teamId: string, timestamp: string): TeamTally {
    let tally = this.teams.get(teamId);
    if (!tally) {
      tally = newTally(teamId, timestamp);
      this.teams.set(teamId, tally);
    }
    return tally;
  }
}

function newTally(name: string, at: string): TeamTally {
  return { name, baseScore: 0, bonusPoints: 0, adjustmentPoints: 0, tokens: new Set(), completedGroups: [], lastUpdate: at };
}

function scoreOf(teamId: string, tally: TeamTally): TeamScore {
  return {
    teamId,
    name: tally.name,
    currentScore: tally.baseScore + tally.bonusPoints + tally.adjustmentPoints,
    tokensScanned: tally.tokens.size,
    bonusPoints: tally.bonusPoints,
    adjustmentPoints: tally.adjustmentPoints,
    completedGroups: [...tally.completedGroups],
    lastUpdate: tally.lastUpdate,
  };
}
