import { z } from 'zod';
import { DisplayMode } from './model.js';

/** What the room's screens (the TV between clips, `/scoreboard`) show, and how staff choose it. */

export const DisplayRequest = z
  .object({ mode: DisplayMode })
  .meta({ id: 'DisplayRequest', description: 'POST /api/display: what the TV and `/scoreboard` show between clips.', examples: [{ mode: 'scoreboard' }] });
export type DisplayRequest = z.infer<typeof DisplayRequest>;

export const RoomClock = z
  .object({
    text: z.string().meta({ description: 'The time as the room reads it: "42 min", "9:58", "+1:30".' }),
    caption: z.string().meta({ description: '"left", "elapsed", "OVERTIME" or "PAUSED".' }),
    overtime: z.boolean(),
    paused: z.boolean(),
  })
  .meta({ id: 'RoomClock', description: 'The game clock as the room sees it.' });
export type RoomClock = z.infer<typeof RoomClock>;

export const RoomRow = z
  .object({
    rank: z.number().int().positive().meta({ description: 'Equal scores share a rank (1, 2, 2, 4).' }),
    teamId: z.string(),
    name: z.string().meta({ description: "The team's full name." }),
    shortName: z.string().meta({ description: 'The name shortened with an ellipsis to what a TV row holds.' }),
    score: z.string().meta({ description: 'The score with thousands separators: "1,250,000".' }),
    groups: z.number().int().nonnegative().meta({ description: 'Completed groups.' }),
  })
  .meta({ id: 'RoomRow', description: 'One line of the leaderboard.' });
export type RoomRow = z.infer<typeof RoomRow>;

export const RoomView = z
  .object({
    screen: z
      .enum(['welcome', 'scoreboard', 'announcement'])
      .meta({ description: '`announcement`: a group completion, shown for about 5 s before the board returns.' }),
    title: z.string().meta({ description: "The session's name on the board; the welcome headline otherwise." }),
    lines: z.array(z.string()).meta({ description: 'The welcome screen\'s text lines (where GMs connect).' }),
    clock: RoomClock.nullable(),
    rows: z.array(RoomRow).meta({ description: 'The top teams (at most 10), best first.' }),
    moreTeams: z.number().int().nonnegative().meta({ description: 'Teams beyond the rows shown.' }),
    announcement: z.string().nullable().meta({ description: '"Marcus Sucks complete — Team Foxtrot +125,000".' }),
    setup: z.boolean().meta({ description: "No session runs, or it has had no scan yet: the time to show the Wi-Fi join code (IDLE_WIFI_QR=setup)." }),
    message: z.string().optional().meta({ description: "A cue's message line, drawn as a band over whatever screen shows, while it lasts; absent when none." }),
  })
  .meta({ id: 'RoomView', description: 'What the room sees between clips: one view, drawn by mpv on the TV and by `/scoreboard` in a browser.' });
export type RoomView = z.infer<typeof RoomView>;
