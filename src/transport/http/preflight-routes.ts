import type express from 'express';
import type { Logger } from 'pino';
import { parseOrThrow, PreflightQuery } from '../../contract/index.js';
import type { PreflightRunner } from '../../ports/preflight-probes.js';
import type { Guard } from './access-guards.js';

/** `GET /api/preflight`: staff's check before doors open. */
export function addPreflightRoutes(router: express.Express, deps: { preflight: PreflightRunner; requireAdmin: Guard; log: Logger }): void {
  router.get('/api/preflight', deps.requireAdmin, async (req, res) => {
    const { browserTime } = parseOrThrow(PreflightQuery, req.query, 'preflight query');
    const report = await deps.preflight.run(browserTime === undefined ? undefined : Date.parse(browserTime));
    const failed = report.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    deps.log.info({ ready: report.ready, failed }, 'preflight');
    res.json(report);
  });
}
