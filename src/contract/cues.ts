import { z } from 'zod';
import { Timestamp, TokenId } from './model.js';
import { MediaFileName } from './show-files.js';

/** The game events a cue can fire on; `clock:at` fires at a game-clock time. */
export const CueTrigger = z
  .enum([
    'transaction:accepted',
    'group:completed',
    'player:scan',
    'video:started',
    'video:completed',
    'session:started',
    'session:paused',
    'session:resumed',
    'clock:at',
  ])
  .meta({ id: 'CueTrigger', description: 'The game event a cue fires on; `clock:at` fires when the game clock passes `at` or `remaining`.' });
export type CueTrigger = z.infer<typeof CueTrigger>;
export type CueEventTrigger = Exclude<CueTrigger, 'clock:at'>;

const ClockTime = z
  .string()
  .regex(/^\d{1,3}:[0-5]\d:[0-5]\d$/, 'must look like HH:MM:SS')
  .meta({ description: 'A game-clock time, `HH:MM:SS`.', examples: ['01:30:00'] });

/** `"01:30:00"` → 5,400,000 ms. */
export function clockTimeMs(time: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = time.split(':').map(Number);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

const Host = z.string().trim().min(1).max(253);

export const SoundAction = z
  .object({
    sound: MediaFileName.meta({ description: 'A sound file under MEDIA_DIR, played on the TV\'s speakers beside any clip.' }),
    volume: z.number().int().min(0).max(100).optional().meta({ description: 'Percent, 0-100; default 100.' }),
  })
  .strict();
export const VideoAction = z.object({ video: TokenId.clone().meta({ description: "A token whose clip is queued like an admin's play." }) }).strict();
export const DisplayAction = z.object({ display: z.enum(['scoreboard', 'welcome']).meta({ description: 'What the room screens show.' }) }).strict();
export const MessageAction = z
  .object({
    message: z.string().trim().min(1).max(120).meta({ description: 'A line shown on the TV and every GM page.' }),
    seconds: z.number().int().min(1).max(3600).optional().meta({ description: 'How long it shows; default 10.' }),
  })
  .strict();
export const WaitAction = z.object({ wait: z.number().min(0).max(3600).meta({ description: 'Seconds before the next action.' }) }).strict();
export const OscAction = z
  .object({
    osc: z
      .object({
        host: Host.meta({ description: 'A loopback or private address, or a name in CUE_HOSTS.' }),
        port: z.number().int().min(1).max(65535),
        address: z.string().regex(/^\/\S*$/, 'must start with /').max(200).meta({ description: 'The OSC address, `/cue/go`.' }),
        args: z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(32).optional(),
      })
      .strict(),
  })
  .strict()
  .meta({ description: 'An OSC message over UDP (QLab, Companion, a lighting desk); `args`: strings, numbers (a whole number is sent as an int, else a float) and booleans.' });
export const HttpAction = z
  .object({
    http: z
      .object({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        url: z.url({ protocol: /^https?$/ }).max(2000).meta({ description: 'http(s) to a loopback or private address, or a host in CUE_HOSTS.' }),
        body: z.unknown().optional().meta({ description: 'Sent as JSON (a string as it is).' }),
        headers: z.record(z.string().min(1).max(100), z.string().max(1000)).optional(),
      })
      .strict(),
  })
  .strict()
  .meta({ description: 'An HTTP request, answered within 2 s or failed.' });

export const CueAction = z
  .union([SoundAction, VideoAction, DisplayAction, MessageAction, WaitAction, OscAction, HttpAction])
  .meta({ id: 'CueAction', description: 'One step of a cue: exactly one of `sound`, `video`, `display`, `message`, `wait`, `osc`, `http`.' });
export type CueAction = z.infer<typeof CueAction>;
export type CueActionKind = 'sound' | 'video' | 'display' | 'message' | 'wait' | 'osc' | 'http';

/** The kind of an action: the one key it is named by. */
export function actionKind(action: CueAction): CueActionKind {
  if ('sound' in action) return 'sound';
  if ('video' in action) return 'video';
  if ('display' in action) return 'display';
  if ('message' in action) return 'message';
  if ('wait' in action) return 'wait';
  if ('osc' in action) return 'osc';
  return 'http';
}

export const CueWhen = z
  .object({
    teamId: z.string().min(1).max(64).optional(),
    tokenId: z.string().min(1).max(128).optional(),
    group: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ id: 'CueWhen', description: "Narrows an event cue: every field given must equal the event's (ids without case)." });
export type CueWhen = z.infer<typeof CueWhen>;

export const CueId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, `_`, `.` and `-`, at most 64').meta({ id: 'CueId' });

export const Cue = z
  .object({
    id: CueId.meta({ description: 'Unique in the file; the routes and the export name the cue by it.' }),
    name: z.string().trim().min(1).max(100).meta({ description: 'What staff read on /admin.' }),
    trigger: CueTrigger.optional().meta({ description: `One of ${CueTrigger.options.map((name) => `\`${name}\``).join(', ')}. None: a manual cue, fired by staff.` }),
    at: ClockTime.optional().meta({ description: '`clock:at`: game-clock elapsed time, `HH:MM:SS`.' }),
    remaining: ClockTime.optional().meta({ description: '`clock:at`: time left, `HH:MM:SS`, when the session has a planned length.' }),
    when: CueWhen.optional().meta({ description: 'Event cues: `{teamId?, tokenId?, group?}`, each given field must equal the event\'s (without case); `group` without its "(xN)".' }),
    actions: z.array(CueAction).min(1).max(50).meta({ description: 'Run in order, 1-50 (below).' }),
    once: z.boolean().optional().meta({ description: 'Fires at most once per session.' }),
    enabled: z.boolean().optional().meta({ description: 'Default true; staff switch it on /admin.' }),
    stopOnError: z.boolean().optional().meta({ description: 'A failing action stops the rest of the cue.' }),
  })
  .strict()
  .superRefine((cue, ctx) => {
    const clock = cue.trigger === 'clock:at';
    if (clock && (cue.at === undefined) === (cue.remaining === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['at'], message: 'a clock:at cue needs exactly one of `at` and `remaining`' });
    }
    if (!clock && (cue.at !== undefined || cue.remaining !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [cue.at === undefined ? 'remaining' : 'at'], message: 'only a clock:at cue has a time' });
    }
    if (cue.when !== undefined && (cue.trigger === undefined || clock)) {
      ctx.addIssue({ code: 'custom', path: ['when'], message: 'only an event cue is narrowed by `when`' });
    }
  })
  .meta({ id: 'Cue', description: 'One cue of CUES_FILE.' });
export type Cue = z.infer<typeof Cue>;

export const CuesFile = z
  .array(Cue)
  .max(500)
  .superRefine((cues, ctx) => {
    const seen = new Set<string>();
    cues.forEach((cue, index) => {
      if (seen.has(cue.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate cue id ${cue.id}` });
      seen.add(cue.id);
    });
  })
  .meta({ id: 'CuesFile', description: 'CUES_FILE: the show\'s cues, an array.' });
export type CuesFile = z.infer<typeof CuesFile>;

export const CueActionResult = z
  .object({
    action: z.enum(['sound', 'video', 'display', 'message', 'wait', 'osc', 'http']),
    ok: z.boolean(),
    error: z.string().optional().meta({ description: 'Why the action failed.' }),
    skipped: z.boolean().optional().meta({ description: 'Not run: an earlier action failed in a `stopOnError` cue.' }),
  })
  .meta({ id: 'CueActionResult', description: 'What one action of a firing did.' });
export type CueActionResult = z.infer<typeof CueActionResult>;

export const CueFired = z
  .object({
    cueId: CueId,
    trigger: z.union([CueTrigger, z.literal('manual')]).meta({ description: 'What fired it: its trigger, or `manual` (staff).' }),
    at: Timestamp.meta({ description: 'When it fired.' }),
    results: z.array(CueActionResult).meta({ description: 'One per action, in order, once every action ran.' }),
  })
  .meta({ id: 'CueFired', description: 'A cue ran: the `cue:fired` event, and each entry of a session export\'s `cues`.' });
export type CueFired = z.infer<typeof CueFired>;

export const CueView = z
  .object({
    id: CueId,
    name: z.string(),
    trigger: z.union([CueTrigger, z.literal('manual')]),
    at: z.string().nullable().meta({ description: '`clock:at`: the elapsed time; else null.' }),
    remaining: z.string().nullable(),
    enabled: z.boolean(),
    firedCount: z.number().int().nonnegative().meta({ description: 'Firings in the current session.' }),
    lastFiredAt: Timestamp.nullable(),
    lastResult: z.array(CueActionResult).nullable(),
  })
  .meta({ id: 'CueView', description: 'A cue as staff see it on /admin (GET /api/cues).' });
export type CueView = z.infer<typeof CueView>;

export const CueEnableRequest = z.object({ enabled: z.boolean() }).strict().meta({ id: 'CueEnableRequest', description: 'The body of PATCH /api/cues/{id}.' });
export type CueEnableRequest = z.infer<typeof CueEnableRequest>;

const placeholders: Record<string, string> = { sound: 'FILE', video: 'TOKEN_ID', display: '"scoreboard" \\| "welcome"', message: 'TEXT', wait: 'SECONDS' };

/** The cues file's format as Markdown tables, for the README: the cue's fields, then the actions. */
export function cuesTable(): string {
  const described = (schema: z.ZodType) => (schema.description ?? '').replace(/\|/g, '\\|');
  const fields = Object.entries(Cue.shape).map(
    ([key, schema]) => `| \`${key}\` | ${schema.safeParse(undefined).success ? 'no' : 'yes'} | ${described(schema)} |`,
  );
  const actions = CueAction.options.map((option) => {
    const entries = Object.entries(option.shape as Record<string, z.ZodType>);
    const [first] = entries;
    const inner =
      first?.[1] instanceof z.ZodObject
        ? `{${Object.entries(first[1].shape as Record<string, z.ZodType>).map(([key, schema]) => `${key}${schema.safeParse(undefined).success ? '?' : ''}`).join(', ')}}`
        : (placeholders[first?.[0] ?? ''] ?? '…');
    const shape = entries.map(([key, schema], index) => (index === 0 ? `${key}: ${inner}` : `${key}${schema.safeParse(undefined).success ? '?' : ''}`)).join(', ');
    const notes = entries.slice(1).map(([key, schema]) => `\`${key}\`: ${described(schema)}`);
    return `| \`{${shape}}\` | ${[described(first?.[1] ?? option) || described(option), ...notes].join(' ')} |`;
  });
  return [
    '| Field | Required | Meaning |',
    '| --- | --- | --- |',
    ...fields,
    '',
    '| Action | What it does |',
    '| --- | --- |',
    ...actions,
    '',
  ].join('\n');
}

/** README text with the table between its `cues-table` markers regenerated. */
export function withCuesTable(readme: string): string {
  return readme.replace(/(<!-- cues-table:start -->\n)[\s\S]*?(<!-- cues-table:end -->)/, (_match, start: string, end: string) => `${start}${cuesTable()}${end}`);
}
