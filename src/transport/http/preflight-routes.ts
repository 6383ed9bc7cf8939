import type express from 'express';
import type { Logger } from 'pino';
import { parseOrThrow, PreflightQuery, type PreflightReport } from '../../contract/index.js';
import type { Guard } from './access-guards.js';

/** Runs the preflight; `browserTime` is the admin browser's clock (ms since the epoch). */
export interface PreflightRunner {
  run(browserTime?: number): Promise<PreflightReport>;
}

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
