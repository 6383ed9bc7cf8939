import { z } from 'zod';
import { Timestamp } from './model.js';

export const PreflightCheckId = z
  .enum(['tv', 'audio', 'media', 'button', 'disk', 'stations', 'session', 'clock', 'cue-targets'])
  .meta({ id: 'PreflightCheckId', description: 'Which check: always all of them, in this order.' });
export type PreflightCheckId = z.infer<typeof PreflightCheckId>;

export const PreflightCheckStatus = z
  .enum(['ok', 'warning', 'failed'])
  .meta({ id: 'PreflightCheckStatus', description: '`failed`: the show would go wrong; `warning`: worth a look, the show can run.' });
export type PreflightCheckStatus = z.infer<typeof PreflightCheckStatus>;

export const PreflightCheck = z
  .object({
    id: PreflightCheckId,
    name: z.string().meta({ description: 'What is checked, as staff read it ("The TV").' }),
    status: PreflightCheckStatus,
    detail: z.string().meta({ description: 'What was found, in plain words.' }),
    fix: z.string().optional().meta({ description: 'What to do about it, in plain words; absent when ok.' }),
    items: z.array(z.string()).max(50).optional().meta({ description: 'One line per problem (a missing file, an unreachable target), at most 50.' }),
  })
  .meta({ id: 'PreflightCheck', description: 'One check of the preflight.' });
export type PreflightCheck = z.infer<typeof PreflightCheck>;

export const PreflightReport = z
  .object({
    ready: z.boolean().meta({ description: 'True when no check failed (warnings allowed).' }),
    summary: z.string().meta({ description: '"Ready for the show" when no check failed; else how many failed.' }),
    checkedAt: Timestamp,
    checks: z.array(PreflightCheck),
  })
  .meta({ id: 'PreflightReport', description: 'GET /api/preflight: everything worth knowing before doors open.' });
export type PreflightReport = z.infer<typeof PreflightReport>;

export const PreflightQuery = z
  .object({
    browserTime: Timestamp.optional().meta({
      description: "The admin browser's time when it asked: the Pi has no clock battery and no internet on the hotspot, so its clock is compared with this one.",
    }),
  })
  .strict()
  .meta({ id: 'PreflightQuery', description: 'The query of GET /api/preflight.' });
export type PreflightQuery = z.infer<typeof PreflightQuery>;
