import { z } from 'zod';

/**
 * The domain objects that travel on the wire. One declaration each: the type is inferred, and
 * the `.meta({ id, description })` here is what docs/asyncapi.json and docs/openapi.json say.
 */

export const Timestamp = z.iso.datetime({ offset: true }).meta({
  id: 'Timestamp',
  description: 'An ISO 8601 date and time; the orchestrator writes UTC with milliseconds.',
  examples: ['2025-05-10T20:15:03.120Z'],
});

export const TokenId = z.string().trim().min(1).max(128).meta({
  id: 'TokenId',
  description: "A token's id (its RFID tag), as in the show's tokens file; matched case-insensitively.",
  examples: ['534e2b03'],
});
export const TeamId = z.string().trim().min(1, 'team id must not be empty').max(64).meta({
  id: 'TeamId',
  description:
    "A team: its id, or its name matched without case (\"red herrings\" is the registered \"Red Herrings\"). A submission naming " +
    'an unregistered team registers it when the scan is accepted or a duplicate; its first spelling becomes its id.',
  examples: ['001'],
});

export const TeamName = z
  .string()
  .trim()
  .min(1, 'a team name must not be empty')
  .max(64, 'a team name has at most 64 characters')
  .meta({ id: 'TeamName', description: 'A team name: 1-64 characters once trimmed, unique in a session without case.', examples: ['Red Herrings'] });

export const CorrectionReason = z
  .string()
  .trim()
  .min(1, 'a reason is required')
  .max(200, 'a reason has at most 200 characters')
  .meta({ id: 'CorrectionReason', description: 'Why a correction was made: kept in the audit trail.', examples: ['wrong team picked'] });
export const DeviceId = z.string().trim().min(1).max(64).meta({
  id: 'DeviceId',
  description: "A device's id. GM stations and player scanners have separate id spaces: a player may not use a station's id.",
  examples: ['GM_STATION_01'],
});
export const ScanId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[!-~]+$/, 'letters, digits and ASCII punctuation only, no spaces')
  .meta({
    id: 'ScanId',
    description:
      "A player scanner's own id for one scan (a UUID, say), unique on that device. A scan sent again with the same " +
      '`deviceId` and `scanId`, even after a restart, is recorded once and answered as the first time.',
    examples: ['0b6f3c1e-4f7a-4c52-9d1e-2f0a8e6b9c3d'],
  });

/** A closed set of words with its name and meaning in the published documents. */
export function namedEnum<const T extends readonly [string, ...string[]]>(id: string, values: T, description: string) {
  return z.enum(values).meta({ id, description });
}

export const TransactionStatus = namedEnum(
  'TransactionStatus',
  ['accepted', 'rejected', 'duplicate'],
  '`accepted` scores; `duplicate` (0 points) when the token was already accepted in this session, by any team; ' +
    '`rejected` for an unknown token or a paused session.',
);
export type TransactionStatus = z.infer<typeof TransactionStatus>;

export const Voided = z
  .object({
    at: Timestamp,
    reason: z.string(),
    by: z.string().meta({ description: '`admin`, or the GM station that undid its own scan.' }),
  })
  .meta({ id: 'Voided', description: 'Why and when a transaction stopped counting.' });
export type Voided = z.infer<typeof Voided>;

export const GroupCompleted = z
  .object({
    group: z.string().meta({ description: "The group's name, without its \"(xN)\" suffix." }),
    bonusPoints: z.number().int().nonnegative().meta({ description: 'The bonus the team gained with it.' }),
  })
  .meta({ id: 'GroupCompleted', description: 'A group a scan completed, and its bonus.' });
export type GroupCompleted = z.infer<typeof GroupCompleted>;

export const Transaction = z
  .object({
    id: z.string().meta({ description: 'Assigned by the orchestrator.' }),
    tokenId: z.string(),
    teamId: z.string(),
    scannerId: z.string().meta({ description: 'The GM station that submitted it.' }),
    sessionId: z.string(),
    timestamp: Timestamp,
    status: TransactionStatus,
    rejectionReason: z.string().optional().meta({ description: 'Why a `rejected` transaction was rejected.' }),
    points: z.number().int().nonnegative().meta({ description: "The token's value for an accepted transaction, else 0." }),
    voided: Voided.optional().meta({ description: 'Set when staff or its station voided it: it no longer counts and its token is free again.' }),
    groupCompleted: GroupCompleted.optional().meta({ description: 'Set when this accepted scan completed a group for its team.' }),
  })
  .meta({
    id: 'Transaction',
    description: 'A token scanned by a GM station for a team, written to the game log before anyone is told.',
    examples: [
      {
        id: '0196b7c4-8a1e-7c3a-9f2d-3b1c5e6f7a80',
        tokenId: '534e2b03',
        teamId: '001',
        scannerId: 'GM_STATION_01',
        sessionId: '0196b7c0-1d2e-7f00-8000-1a2b3c4d5e6f',
        timestamp: '2025-05-10T20:15:03.120Z',
        status: 'accepted',
        points: 50000,
      },
    ],
  });
export type Transaction = z.infer<typeof Transaction>;

export const Team = z
  .object({
    teamId: z.string().meta({ description: 'Never changes: the first spelling of its name.' }),
    name: TeamName,
    createdAt: Timestamp,
  })
  .meta({ id: 'Team', description: "A session's registered team.", examples: [{ teamId: 'Red Herrings', name: 'Red Herrings', createdAt: '2025-05-10T19:58:10.000Z' }] });
export type Team = z.infer<typeof Team>;

export const TeamScore = z
  .object({
    teamId: z.string(),
    name: z.string().meta({ description: "The team's name (its id unless staff renamed it)." }),
    currentScore: z.number().int().meta({ description: 'Points of accepted tokens plus bonus points plus adjustments.' }),
    tokensScanned: z.number().int().nonnegative().meta({ description: 'Accepted tokens.' }),
    bonusPoints: z.number().int().nonnegative().meta({ description: 'Group bonuses: (N − 1) × the members\' values for each completed group "Name (xN)".' }),
    adjustmentPoints: z.number().int().meta({ description: "The sum of staff's score adjustments (signed)." }),
    completedGroups: z.array(z.string()).meta({ description: 'Groups of which the team holds every member.' }),
    lastUpdate: Timestamp,
  })
  .meta({ id: 'TeamScore', description: "A registered team's score in the current session (0 until it scores)." });
export type TeamScore = z.infer<typeof TeamScore>;

export const CorrectionKind = namedEnum(
  'CorrectionKind',
  ['void', 'reassign', 'adjust', 'rename', 'clock'],
  '`void`: a transaction stopped counting; `reassign`: voided and recorded for another team; `adjust`: points added to or taken ' +
    "from a team; `rename`: a team's name corrected; `clock`: the game clock's length or elapsed time corrected.",
);
export type CorrectionKind = z.infer<typeof CorrectionKind>;

export const Correction = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    kind: CorrectionKind,
    at: Timestamp,
    by: z.string().meta({ description: '`admin`, or the GM station that made it.' }),
    reason: z.string().optional().meta({ description: 'Why (required for void, reassign and adjust).' }),
    transactionId: z.string().optional().meta({ description: 'The transaction voided or reassigned.' }),
    teamId: z.string().optional().meta({ description: 'The team adjusted or renamed, or the team a transaction was reassigned to.' }),
    points: z.number().int().optional().meta({ description: 'An adjustment, signed.' }),
    newTransactionId: z.string().optional().meta({ description: 'The transaction a reassignment recorded for the new team.' }),
    name: z.string().optional().meta({ description: "A renamed team's new name." }),
    previousName: z.string().optional().meta({ description: "A renamed team's name before." }),
    plannedMinutes: z.number().int().nullable().optional().meta({ description: 'A clock correction: the planned length set (null: none).' }),
    adjustSeconds: z.number().int().optional().meta({ description: 'A clock correction: seconds added to the elapsed time.' }),
  })
  .meta({
    id: 'Correction',
    description: "A staff or station correction, kept in the session's audit trail beside what it corrects (never an edit of it).",
    examples: [
      {
        id: '0196b7d0-0000-7000-8000-000000000001',
        sessionId: '0196b7c0-1d2e-7f00-8000-1a2b3c4d5e6f',
        kind: 'adjust',
        at: '2025-05-10T20:40:00.000Z',
        by: 'admin',
        reason: 'penalty: phone out during the game',
        teamId: 'Red Herrings',
        points: -75000,
      },
    ],
  });
export type Correction = z.infer<typeof Correction>;

export const VideoState = z.enum(['idle', 'loading', 'playing', 'paused', 'completed', 'error']).meta({ id: 'VideoState', description: 'What the TV is doing.' });
export type VideoState = z.infer<typeof VideoState>;

export const VideoStatus = z
  .object({
    status: VideoState,
    tokenId: z.string().optional().meta({ description: 'The token whose clip this is.' }),
    progress: z.number().min(0).max(100).optional().meta({ description: 'Percent played, 0-100.' }),
    duration: z.number().nonnegative().optional().meta({ description: "The clip's length in seconds." }),
    error: z.string().optional().meta({ description: 'Why the clip failed (status `error`).' }),
  })
  .meta({ id: 'VideoStatus', description: 'The TV (mpv) and the clip it shows.' });
export type VideoStatus = z.infer<typeof VideoStatus>;

export const Throttling = z
  .object({
    underVoltageNow: z.boolean(),
    frequencyCappedNow: z.boolean(),
    throttledNow: z.boolean(),
    softTemperatureLimitNow: z.boolean(),
    underVoltageSinceBoot: z.boolean(),
    frequencyCappedSinceBoot: z.boolean(),
    throttledSinceBoot: z.boolean(),
    softTemperatureLimitSinceBoot: z.boolean(),
  })
  .meta({ id: 'Throttling', description: "The Raspberry Pi firmware's throttling flags (`vcgencmd get_throttled`), now and since boot." });
export type Throttling = z.infer<typeof Throttling>;

export const HealthSample = z
  .object({
    sampledAt: Timestamp,
    load1: z.number().nonnegative().meta({ description: 'One-minute load average.' }),
    cpuPercent: z.number().min(0).max(100),
    memory: z.object({ totalBytes: z.number().nonnegative(), availableBytes: z.number().nonnegative() }),
    disk: z
      .object({ path: z.string(), freeBytes: z.number().nonnegative(), totalBytes: z.number().nonnegative() })
      .optional()
      .meta({ description: 'The file system of DATA_DIR, where the game log lives.' }),
    uptimeSeconds: z.number().nonnegative(),
    temperatureC: z.number().optional().meta({ description: "The SoC's temperature, where readable." }),
    throttling: Throttling.optional().meta({ description: 'On a Raspberry Pi only.' }),
  })
  .meta({ id: 'HealthSample', description: "The appliance's health, sampled on an interval." });
export type HealthSample = z.infer<typeof HealthSample>;

export const ResetSource = z.enum(['admin', 'button']).meta({ id: 'ResetSource', description: 'Who reset the game: the admin page or the hardware button.' });
export type ResetSource = z.infer<typeof ResetSource>;

export const SoundStatus = z
  .object({
    ready: z.boolean().meta({ description: 'The sound player (a second, audio-only mpv) is running and takes sounds.' }),
    playing: z.number().int().nonnegative().meta({ description: 'How many sound effects play now (0 or 1: one sound at a time, a new one replaces it).' }),
    lastError: z.string().optional().meta({ description: 'Why the last sound failed or the sound player stopped, if it did.' }),
  })
  .meta({ id: 'SoundStatus', description: "The TV's sound-effects player." });
export type SoundStatus = z.infer<typeof SoundStatus>;

export const SystemStatus = z
  .object({
    orchestratorOnline: z.boolean(),
    videoDisplayReady: z.boolean().meta({
      description:
        'The TV can show a clip now: mpv is running on a display (false without mpv, with VIDEO_PLAYER=none, when no display was found at start, or while the HDMI TV is disconnected).',
    }),
    audioReady: z
      .boolean()
      .optional()
      .meta({ description: "Whether mpv's audio output opened for the last clip with sound (false: clips play without sound, reported once); absent until one has played." }),
    displayConnected: z.boolean().optional().meta({ description: "Whether a TV is connected to the Pi's HDMI port (from the DRM connector); absent where unknown." }),
    resetButton: z
      .enum(['ok', 'fault', 'unavailable'])
      .meta({ description: 'The hardware reset button: `fault` for a line stuck active, `unavailable` when none is wired or readable.' }),
    underVoltage: z.boolean().optional().meta({ description: 'Under-voltage now or since boot (a weak power supply): the one health fact worth a warning to GMs.' }),
    lastReset: z
      .object({ source: ResetSource, at: Timestamp })
      .optional()
      .meta({ description: 'The last game reset, so every station can say "reset by button".' }),
    sound: SoundStatus.optional().meta({ description: 'The sound-effects player; absent where none is configured (SOUND_PLAYER=none).' }),
  })
  .meta({ id: 'SystemStatus', description: "The orchestrator's own status, part of every game state." });
export type SystemStatus = z.infer<typeof SystemStatus>;

export const CurrentVideo = z
  .object({
    tokenId: z.string(),
    startTime: Timestamp,
    expectedEndTime: Timestamp.optional(),
    requestedBy: z.string().meta({ description: '`admin`, or `player:{deviceId}` for a player scan.' }),
  })
  .meta({ id: 'CurrentVideo', description: 'The clip on the TV: who asked for it and when it should end.' });
export type CurrentVideo = z.infer<typeof CurrentVideo>;

export const VideoItemStatus = z.enum(['queued', 'playing', 'completed', 'failed', 'skipped', 'stopped']).meta({ id: 'VideoItemStatus' });
export type VideoItemStatus = z.infer<typeof VideoItemStatus>;

export const VideoItem = z
  .object({
    id: z.string(),
    tokenId: z.string(),
    video: z.string().meta({ description: 'The file name under MEDIA_DIR.' }),
    requestedBy: z.string().meta({ description: '`admin`, or `player:{deviceId}` for a player scan.' }),
    status: VideoItemStatus,
    reason: z.string().optional().meta({ description: 'Why it failed, was skipped or stopped.' }),
    requestedAt: Timestamp,
    startedAt: Timestamp.optional(),
    endedAt: Timestamp.optional(),
  })
  .meta({ id: 'VideoItem', description: "One request to play a token's clip, kept in the store until it has played." });
export type VideoItem = z.infer<typeof VideoItem>;

export const GameClock = z
  .object({
    status: z.enum(['running', 'paused', 'stopped']).meta({ description: 'Runs while the session is active, holds while it is paused, stops when it completes.' }),
    elapsedMs: z.number().int().nonnegative().meta({ description: 'Game time as of `asOf`; while running, it grows with the wall clock from there.' }),
    plannedMs: z.number().int().positive().nullable().meta({ description: 'The planned length; null counts up only.' }),
    remainingMs: z.number().int().nonnegative().nullable().meta({ description: 'Until the planned length as of `asOf` (0 in overtime); null without one.' }),
    overtime: z.boolean().meta({ description: 'Past the planned length as of `asOf`. Overtime never ends the game by itself.' }),
    asOf: Timestamp.meta({ description: 'When the clock last changed (started, paused, resumed, stopped, corrected); the values above are as of then.' }),
  })
  .meta({
    id: 'GameClock',
    description: "The session's game clock. Clients extrapolate `elapsedMs` from `asOf` while it runs, so it needs no stream of updates.",
  });
export type GameClock = z.infer<typeof GameClock>;

export const DisplayMode = namedEnum(
  'DisplayMode',
  ['scoreboard', 'welcome'],
  "What the TV shows between clips while a session runs: `scoreboard` (the default: the leaderboard and the game clock) or `welcome` (the idle screen). Before a session's first scan the welcome screen shows either way.",
);
export type DisplayMode = z.infer<typeof DisplayMode>;

export const DisplayState = z
  .object({
    mode: DisplayMode,
    message: z.string().optional().meta({ description: "A cue's message line, shown on the TV and every GM page while it lasts; absent when none." }),
  })
  .meta({ id: 'DisplayState', description: "The room screens' mode, as staff last chose it (`POST /api/display`)." });
export type DisplayState = z.infer<typeof DisplayState>;

export const GameState = z
  .object({
    sessionId: z.string().nullable().meta({ description: 'The current session; null when there is none.' }),
    lastUpdate: Timestamp,
    video: VideoStatus.meta({ description: 'The latest `video:status`, so a station that just connected knows what the TV shows.' }),
    currentVideo: CurrentVideo.optional(),
    scores: z.array(TeamScore).meta({ description: 'Every registered team, highest score first.' }),
    teams: z.array(Team).meta({ description: "The session's registered teams, in the order they were registered." }),
    recentTransactions: z.array(Transaction).meta({ description: "The session's latest transactions, newest last." }),
    systemStatus: SystemStatus,
    clock: GameClock.optional().meta({ description: 'The game clock; absent when there is no session.' }),
    display: DisplayState.optional().meta({ description: 'What the room screens show between clips (`POST /api/display`).' }),
  })
  .meta({ id: 'GameState', description: 'The whole game as a station shows it: scores, recent transactions, the TV, the system.' });
export type GameState = z.infer<typeof GameState>;

export const SessionStatus = z.enum(['active', 'paused', 'completed']).meta({
  id: 'SessionStatus',
  description: 'A paused session rejects submissions; a completed one is archived.',
});
export type SessionStatus = z.infer<typeof SessionStatus>;

export const Session = z
  .object({
    id: z.string(),
    name: z.string(),
    startTime: Timestamp,
    endTime: Timestamp.optional().meta({ description: 'Set when the session is completed.' }),
    status: SessionStatus,
    transactionCount: z.number().int().nonnegative(),
    acceptedCount: z.number().int().nonnegative(),
    playerScanCount: z.number().int().nonnegative(),
  })
  .meta({
    id: 'Session',
    description: 'One game. A new session or a reset completes the current one; at start the active or paused session is resumed.',
    examples: [
      {
        id: '0196b7c0-1d2e-7f00-8000-1a2b3c4d5e6f',
        name: 'Saturday 20:00',
        startTime: '2025-05-10T19:58:00.000Z',
        status: 'active',
        transactionCount: 42,
        acceptedCount: 37,
        playerScanCount: 12,
      },
    ],
  });
export type Session = z.infer<typeof Session>;

export const DeviceType = z.enum(['gm', 'player']).meta({ id: 'DeviceType', description: '`gm`: a GM station (Socket.IO); `player`: a player scanner (HTTP).' });
export type DeviceType = z.infer<typeof DeviceType>;

export const DeviceConnection = z
  .object({
    deviceId: z.string(),
    type: DeviceType,
    name: z.string().optional(),
    ipAddress: z.string().optional(),
    connectionTime: Timestamp,
    lastHeartbeat: Timestamp,
    connectionStatus: z.enum(['connected', 'disconnected']).meta({ description: 'A station that dropped stays known, `disconnected`, for 30 s.' }),
  })
  .meta({ id: 'DeviceConnection', description: 'A GM station or player scanner the orchestrator knows.' });
export type DeviceConnection = z.infer<typeof DeviceConnection>;

export const PlayerScan = z
  .object({
    tokenId: z.string(),
    deviceId: z.string(),
    sessionId: z.string().nullable(),
    timestamp: Timestamp.meta({ description: 'When it reached the orchestrator.' }),
    video: z.boolean().meta({ description: "Whether the token's clip was asked to play: false for a token without one and for a stale scan." }),
    scanId: ScanId.optional().meta({ description: "The scanner's own id for the scan, when it gave one." }),
    scannedAt: Timestamp.optional().meta({ description: "When the scanner says the scan was made (by the scanner's clock), when it said." }),
    stale: z.literal(true).optional().meta({
      description: 'Present when the scan reached the orchestrator more than PLAYER_SCAN_STALE_S seconds after it was made: recorded, its clip not played.',
    }),
  })
  .meta({ id: 'PlayerScan', description: "A player scanner's scan (POST /api/scan, /api/scan/batch), kept in the session's log." });
export type PlayerScan = z.infer<typeof PlayerScan>;

export const ShowToken = z
  .object({
    id: z.string(),
    value: z.number().int().nonnegative().meta({ description: 'Points: the base value of its rating × its memory type multiplier.' }),
    rating: z.number().int().meta({ description: 'SF_ValueRating, 1-5.' }),
    memoryType: z.string().meta({ description: 'SF_MemoryType (Personal, Business, Technical, ...).' }),
    group: z.string().optional().meta({ description: 'SF_Group: "Name (xN)" pays a bonus to the team holding every member.' }),
    video: z.string().optional(),
    image: z.string().optional(),
    audio: z.string().optional(),
  })
  .meta({ id: 'ShowToken', description: 'A token of the show, as served by GET /api/tokens.' });
export type ShowToken = z.infer<typeof ShowToken>;
