import { describe, expect, it } from 'vitest';
import { TeamRoster, teamKey } from '../../src/domain/team-roster.js';

let ids = 0;
const newId = () => `team-${++ids}`;
const AT = '2026-11-27T20:00:00.000Z';

describe('TeamRoster', () => {
  it('registers a name once, without case or extra spaces: the first spelling wins', () => {
    const roster = new TeamRoster(10);
    const first = roster.register('  Red   Herrings ', AT, newId);
    expect(first).toMatchObject({ created: true, team: { name: 'Red Herrings', createdAt: AT } });
    const again = roster.register('red herrings', AT, newId);
    expect(again).toEqual({ team: 'team' in first ? first.team : undefined, created: false });
    expect(roster.size).toBe(1);
    expect(roster.find('RED HERRINGS')?.name).toBe('Red Herrings');
    expect(teamKey(' Red  Herrings')).toBe('red herrings');
  });

  it('finds a team by its id as well as its name', () => {
    const roster = new TeamRoster(10);
    const outcome = roster.register('Foxtrot', AT, newId);
    const team = 'team' in outcome ? outcome.team : undefined;
    expect(roster.find(team!.teamId)).toEqual(team);
  });

  it('refuses empty and over-long names, and a new team when full', () => {
    const roster = new TeamRoster(2);
    expect(roster.register('   ', AT, newId)).toEqual({ refused: 'empty' });
    expect(roster.register('x'.repeat(65), AT, newId)).toEqual({ refused: 'too-long' });
    roster.register('A', AT, newId);
    roster.register('B', AT, newId);
    expect(roster.register('C', AT, newId)).toEqual({ refused: 'full' });
    // A known name is still found when full.
    expect(roster.register('a', AT, newId)).toMatchObject({ created: false, team: { name: 'A' } });
  });

  it('renames a team under its id, refusing a name another team has', () => {
    const roster = new TeamRoster(10);
    const a = roster.register('Alpha', AT, newId);
    roster.register('Bravo', AT, newId);
    const alpha = 'team' in a ? a.team : undefined;
    expect(roster.rename(alpha!.teamId, 'bravo')).toEqual({ refused: 'taken' });
    expect(roster.rename(alpha!.teamId, 'ALPHA team')).toMatchObject({ teamId: alpha!.teamId, name: 'ALPHA team' });
    expect(roster.find('alpha')).toBeUndefined();
    expect(roster.find('alpha team')?.teamId).toBe(alpha!.teamId);
    expect(roster.rename('nobody', 'X')).toEqual({ refused: 'unknown' });
  });
});
