import type express from 'express';
import type { Logger } from 'pino';
import { CueEnableRequest, parseOrThrow } from '../../contract/index.js';
import type { CueControl } from '../../ports/cue-actions.js';
import type { Guard } from './access-guards.js';

/** Staff's cue controls: `/api/cues`, `/api/cues/:id/fire`, `PATCH /api/cues/:id`, and `/api/sounds/stop`. */
export function addCueRoutes(
  router: express.Express,
  deps: { cues: CueControl; sounds: { stopAll(): void } | undefined; requireAdmin: Guard; log: Logger },
): void {
  const { cues, requireAdmin, log } = deps;

  router.get('/api/cues', requireAdmin, (_req, res) => {
    res.json(cues.list());
  });

  router.post('/api/cues/:id/fire', requireAdmin, async (req, res) => {
    const cueId = String(req.params.id);
    const firing = cues.fire(cueId);
    log.info({ cueId }, 'cue fired by admin');
    res.json(await firing);
  });

  router.patch('/api/cues/:id', requireAdmin, (req, res) => {
    const { enabled } = parseOrThrow(CueEnableRequest, req.body, 'cue switch');
    const cue = cues.setEnabled(String(req.params.id), enabled);
    log.info({ cueId: cue.id, enabled }, 'cue switched by admin');
    res.json(cue);
  });

  router.post('/api/sounds/stop', requireAdmin, (_req, res) => {
    deps.sounds?.stopAll();
    log.info('sounds stopped by admin');
    res.json({ status: 'ok' });
  });
}
