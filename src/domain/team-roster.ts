/** A registered team: its id never changes; its name may be corrected by staff. */
export interface Team {
  teamId: string;
  name: string;
  createdAt: string;
}

export const TEAM_NAME_MAX = 64;

/** A name as kept: trimmed, inner runs of spaces made one. */
export function teamNameOf(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** Names compare without case and surrounding or repeated spaces: "red  herrings" is "Red Herrings". */
export function teamKey(name: string): string {
  return teamNameOf(name).toLowerCase();
}

export type RegisterOutcome = { team: Team; created: boolean } | { refused: 'empty' | 'too-long' | 'full' };

/**
 * A session's registered teams, unique by name without case. The first spelling wins; a
 * later "red herrings" resolves to the "Red Herrings" already there. At most `maxTeams`.
 */
export class TeamRoster {
  private readonly byKey = new Map<string, Team>();
  private readonly byId = new Map<string, Team>();

  constructor(private readonly maxTeams: number) {}

  get size(): number {
    return this.byId.size;
  }

  list(): Team[] {
    return [...this.byId.values()];
  }

  /** The team a GM or staff member means by `name` or id, if registered. */
  find(nameOrId: string): Team | undefined {
    return this.byId.get(nameOrId) ?? this.byKey.get(teamKey(nameOrId));
  }

  /** Registers `name`, or answers the team already registered under it. */
  register(name: string, createdAt: string, newId: () => string): RegisterOutcome {
    const trimmed = teamNameOf(name);
    if (trimmed === '') return { refused: 'empty' };
    if (trimmed.length > TEAM_NAME_MAX) return { refused: 'too-long' };
    const existing = this.find(trimmed);
    if (existing) return { team: existing, created: false };
    if (this.size >= this.maxTeams) return { refused: 'full' };
    const team = { teamId: newId(), name: trimmed, createdAt };
    this.add(team);
    return { team, created: true };
  }

  /** Takes a team as stored (at start, from the log). */
  add(team: Team): void {
    this.byId.set(team.teamId, team);
    this.byKey.set(teamKey(team.name), team);
  }

  /** The team `teamId` would be once renamed, or why it cannot be; changes nothing. */
  renamed(teamId: string, name: string): Team | { refused: 'unknown' | 'empty' | 'too-long' | 'taken' } {
    const team = this.byId.get(teamId);
    if (!team) return { refused: 'unknown' };
    const trimmed = teamNameOf(name);
    if (trimmed === '') return { refused: 'empty' };
    if (trimmed.length > TEAM_NAME_MAX) return { refused: 'too-long' };
    const other = this.byKey.get(teamKey(trimmed));
    if (other && other.teamId !== teamId) return { refused: 'taken' };
    return { ...team, name: trimmed };
  }

  /** Renames a team; refused when another team has that name. */
  rename(teamId: string, name: string): Team | { refused: 'unknown' | 'empty' | 'too-long' | 'taken' } {
    const renamed = this.renamed(teamId, name);
    if ('refused' in renamed) return renamed;
    const before = this.byId.get(teamId);
    // Only its own key: after a replay another team may hold the old name's key.
    if (before && this.byKey.get(teamKey(before.name)) === before) this.byKey.delete(teamKey(before.name));
    this.add(renamed);
    return renamed;
  }
}
