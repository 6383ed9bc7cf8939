import type express from 'express';
import type { Logger } from 'pino';
import { CreateTeamRequest, parseOrThrow, ReassignRequest, RenameTeamRequest, ScoreAdjustRequest, VoidRequest } from '../../contract/index.js';
import type { GameCorrections } from '../../ports/game-corrections.js';
import type { Guard } from './access-guards.js';

const ADMIN = { admin: true } as const;

/** Teams and staff corrections: `/api/teams`, `/api/transactions/:id/void|reassign`, `/api/scores/adjust`. */
export function addCorrectionRoutes(
  router: express.Express,
  corrections: GameCorrections,
  guards: { requireAdmin: Guard; requireStation: Guard },
  log: Logger,
): void {
  const { requireAdmin, requireStation } = guards;

  router.get('/api/teams', requireStation, (_req, res) => {
    res.json(corrections.teams());
  });

  router.post('/api/teams', requireAdmin, (req, res) => {
    const { name } = parseOrThrow(CreateTeamRequest, req.body, 'team');
    const { team, created } = corrections.createTeam(name);
    if (created) log.info({ teamId: team.teamId }, 'team registered by admin');
    res.status(created ? 201 : 200).json(team);
  });

  router.patch('/api/teams/:teamId', requireAdmin, (req, res) => {
    const { name } = parseOrThrow(RenameTeamRequest, req.body, 'team rename');
    const team = corrections.renameTeam(String(req.params.teamId), name, ADMIN);
    log.info({ teamId: team.teamId, name: team.name }, 'team renamed by admin');
    res.json(team);
  });

  router.post('/api/transactions/:id/void', requireAdmin, (req, res) => {
    const { reason } = parseOrThrow(VoidRequest, req.body, 'void');
    const voided = corrections.voidTransaction(String(req.params.id), reason, ADMIN);
    log.info({ transactionId: voided.id, tokenId: voided.tokenId, teamId: voided.teamId, reason }, 'transaction voided by admin');
    res.json(voided);
  });

  router.post('/api/transactions/:id/reassign', requireAdmin, (req, res) => {
    const { teamId, reason } = parseOrThrow(ReassignRequest, req.body, 'reassignment');
    const outcome = corrections.reassignTransaction(String(req.params.id), teamId, reason, ADMIN);
    log.info({ transactionId: outcome.voided.id, from: outcome.voided.teamId, to: outcome.transaction.teamId, reason }, 'transaction reassigned by admin');
    res.json(outcome);
  });

  router.post('/api/scores/adjust', requireAdmin, (req, res) => {
    const { teamId, points, reason } = parseOrThrow(ScoreAdjustRequest, req.body, 'score adjustment');
    const outcome = corrections.adjustScore(teamId, points, reason, ADMIN);
    log.info({ teamId: outcome.score.teamId, points, reason }, 'score adjusted by admin');
    res.json(outcome);
  });
}
