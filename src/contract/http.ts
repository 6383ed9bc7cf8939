import { z } from 'zod';
import { ErrorPayload } from './errors.js';
import { CueFired } from './cues.js';
import {
  Correction,
  CorrectionReason,
  DeviceId,
  HealthSample,
  PlayerScan,
  ScanId,
  Session,
  SessionStatus,
  SystemStatus,
  Team,
  TeamId,
  TeamName,
  TeamScore,
  Timestamp,
  TokenId,
  Transaction,
  VideoItem,
  VideoStatus,
} from './model.js';

/** Bodies, queries and responses of the HTTP API that are not model objects. */

export const LoginRequest = z
  .object({ password: z.string().min(1).max(256).meta({ description: 'ADMIN_PASSWORD.' }) })
  .meta({ id: 'LoginRequest', description: 'POST /api/admin/login. 10 attempts a minute per address.' });
export const LoginResponse = z
  .object({
    token: z.string().meta({ description: 'The admin token: `Authorization: Bearer <token>` on admin routes, `auth: {token}` on a Socket.IO connection.' }),
    expiresAt: Timestamp,
  })
  .meta({ id: 'LoginResponse', description: 'An admin token, valid for 12 hours.' });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const NewSessionRequest = z
  .object({ name: z.string().trim().min(1).max(100).optional() })
  .meta({ id: 'NewSessionRequest', description: 'POST /api/session: completes the current session and starts a new one (the body may be left out).' });

export const ClockCorrectionRequest = z
  .object({
    plannedMinutes: z.number().int().min(1).max(1440).nullable().optional().meta({ description: 'The planned length in minutes; null for none (count up only).' }),
    adjustSeconds: z.number().int().min(-86_400).max(86_400).optional().meta({ description: 'Added to the elapsed time (negative: taken off; never below zero).' }),
  })
  .refine((body) => body.plannedMinutes !== undefined || body.adjustSeconds !== undefined, { message: 'give plannedMinutes, adjustSeconds or both' })
  .meta({ id: 'ClockCorrectionRequest', description: 'A staff correction of the game clock (PATCH /api/session/clock), kept in the session\'s clock log.' });

export const UpdateSessionRequest = z
  .object({ status: SessionStatus })
  .meta({ id: 'UpdateSessionRequest', description: 'PATCH /api/session: pause, resume or complete the current session.' });

export const ExportQuery = z
  .object({ format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv` gives the transactions only, one per line.' }) })
  .meta({ id: 'ExportQuery', description: 'The query of GET /api/sessions/{id}/export.' });

export const SessionExport = z
  .object({
    session: Session,
    scores: z.array(TeamScore).meta({ description: 'The final leaderboard: bonuses and adjustments included, voided transactions not.' }),
    teams: z.array(Team),
    transactions: z.array(Transaction).meta({ description: 'Every transaction of the session, oldest first; a voided one says so.' }),
    corrections: z.array(Correction).meta({ description: 'The audit trail: every void, reassignment, adjustment, rename and clock correction, oldest first.' }),
    playerScans: z.array(PlayerScan),
    cues: z.array(CueFired).optional().meta({ description: "The session's cue firings, oldest first (when CUES_FILE is set)." }),
  })
  .meta({ id: 'SessionExport', description: 'A session with its scores, teams, transactions, corrections and player scans (GET /api/sessions/{id}/export).' });
export type SessionExport = z.infer<typeof SessionExport>;

export const PlayerScanRequest = z
  .object({
    tokenId: TokenId,
    deviceId: DeviceId,
    scanId: ScanId.optional(),
    scannedAt: Timestamp.optional().meta({
      description: "When the scan was made, by the scanner's clock: one made more than PLAYER_SCAN_STALE_S seconds before it arrives is recorded but starts no clip.",
    }),
  })
  .meta({
    id: 'PlayerScanRequest',
    description: 'POST /api/scan: a player scanner read a token. A scanner that keeps scans while offline gives each its `scanId` and `scannedAt`.',
    examples: [{ tokenId: '534e2b03', deviceId: 'PLAYER_07' }, { tokenId: '534e2b03', deviceId: 'PLAYER_07', scanId: '0b6f3c1e-4f7a-4c52-9d1e-2f0a8e6b9c3d', scannedAt: '2025-05-10T20:15:01.000+02:00' }],
  });
export type PlayerScanRequest = z.infer<typeof PlayerScanRequest>;
export const PlayerScanResponse = z
  .object({
    status: z.literal('accepted'),
    tokenId: z.string(),
    video: z.boolean().meta({ description: "Whether the token's clip was asked to play on the TV (never for a stale scan)." }),
    scanId: ScanId.optional().meta({ description: 'The `scanId` of the request, when it had one.' }),
    stale: z.literal(true).optional().meta({ description: 'Present when the scan was made more than PLAYER_SCAN_STALE_S seconds before it arrived: recorded, no clip started.' }),
    message: z.string().optional().meta({ description: 'Why no clip was started, for a stale scan.' }),
  })
  .meta({
    id: 'PlayerScanResponse',
    description:
      "The scan is durable (group-committed with transactions); a video token's clip plays unless the scan is stale. A repeated `scanId` gets the first answer again.",
  });
export type PlayerScanResponse = z.infer<typeof PlayerScanResponse>;

export const MAX_SCANS_PER_BATCH = 50;

export const PlayerScanBatchRequest = z
  .object({
    scans: z
      .array(
        z.union([PlayerScanRequest, z.looseObject({})]).meta({
          description: 'A scan as POST /api/scan takes it. An object that is not a valid scan is answered by its own INVALID_DATA result; the others are still recorded.',
        }),
      )
      .min(1)
      .max(MAX_SCANS_PER_BATCH),
  })
  .meta({
    id: 'PlayerScanBatchRequest',
    description: `POST /api/scan/batch: scans a scanner kept while it was offline, oldest first, 1-${MAX_SCANS_PER_BATCH} at a time (within the 16 KiB body limit). Each is handled as POST /api/scan would, in order.`,
  });
export type PlayerScanBatchRequest = z.infer<typeof PlayerScanBatchRequest>;

export const PlayerScanRejection = ErrorPayload.extend({
  status: z.literal('rejected'),
  scanId: ScanId.optional().meta({ description: 'The `scanId` of the refused scan, when it had a valid one.' }),
}).meta({
  id: 'PlayerScanRejection',
  description:
    'A refused scan of a batch: the error POST /api/scan would have answered with (INVALID_DATA for an invalid item or an unknown token, VIDEO_BUSY, DEVICE_LIMIT, ...).',
});
export type PlayerScanRejection = z.infer<typeof PlayerScanRejection>;

export const PlayerScanBatchResponse = z
  .object({
    results: z
      .array(z.discriminatedUnion('status', [PlayerScanResponse, PlayerScanRejection]))
      .meta({ description: 'One per scan, in the order of the request: `accepted` (a PlayerScanResponse) or `rejected`.' }),
  })
  .meta({ id: 'PlayerScanBatchResponse', description: 'The answer to each scan of a batch, in order.' });
export type PlayerScanBatchResponse = z.infer<typeof PlayerScanBatchResponse>;

export const StationAccessResponse = z
  .object({
    open: z.boolean().meta({ description: 'True when GM stations need no station token (STATION_TOKEN unset).' }),
    token: z.string().nullable().meta({ description: "The station token, for the admin page's join QR code; null when open." }),
  })
  .meta({ id: 'StationAccessResponse', description: 'Whether GM stations need the station token, and the token.' });
export type StationAccessResponse = z.infer<typeof StationAccessResponse>;

export const PlayerHeartbeatRequest = z
  .object({ deviceId: DeviceId })
  .meta({ id: 'PlayerHeartbeatRequest', description: 'POST /api/heartbeat: keeps a player scanner connected (30 s timeout).' });

/** `{status: "ok"}`: GET /health once ready, POST /api/heartbeat. */
export const OkResponse = z.object({ status: z.literal('ok') }).meta({ id: 'OkResponse', description: 'Done.' });
export type OkResponse = z.infer<typeof OkResponse>;
export const HealthResponse = OkResponse;
export const PlayerHeartbeatResponse = OkResponse;

/** The HTTP body of VIDEO_BUSY (409): the error payload with `status: "rejected"` beside the code. */
export const VideoBusyError = ErrorPayload.extend({ code: z.literal('VIDEO_BUSY'), status: z.literal('rejected') }).meta({
  id: 'VideoBusyError',
  description: 'A refused clip (409): another clip plays, the queue is full, or this scanner already has a clip waiting.',
});
export type VideoBusyError = z.infer<typeof VideoBusyError>;

/** Admin video controls, over HTTP (`POST /api/video`) and the admin socket (`video:control`). */
export const VideoControl = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('play'), tokenId: TokenId }),
    z.object({ action: z.enum(['pause', 'resume', 'stop', 'skip']) }),
  ])
  .meta({
    id: 'VideoControl',
    description: 'An admin video command: `play` a token\'s clip (queued behind the current one), `pause`, `resume`, `stop`, `skip`.',
    examples: [{ action: 'play', tokenId: '534e2b03' }, { action: 'skip' }],
  });
export type VideoControl = z.infer<typeof VideoControl>;

export const VideoOverview = z
  .object({
    status: VideoStatus,
    current: VideoItem.optional().meta({ description: 'The clip on the TV.' }),
    queue: z.array(VideoItem).meta({ description: 'Clips waiting, next first.' }),
  })
  .meta({ id: 'VideoOverview', description: "The TV's status, the current item and the queue." });
export type VideoOverview = z.infer<typeof VideoOverview>;

export const StatusResponse = z
  .object({ system: SystemStatus, health: HealthSample.nullable().meta({ description: 'Null until the first sample.' }) })
  .meta({ id: 'StatusResponse', description: 'The system summary and the latest health sample.' });
export type StatusResponse = z.infer<typeof StatusResponse>;

export const CreateTeamRequest = z
  .object({ name: TeamName })
  .meta({ id: 'CreateTeamRequest', description: 'POST /api/teams and `team:create`: registers a team (a name another team has, without case, answers that team).' });
export type CreateTeamRequest = z.infer<typeof CreateTeamRequest>;

export const RenameTeamRequest = z
  .object({ name: TeamName })
  .meta({ id: 'RenameTeamRequest', description: "PATCH /api/teams/{teamId}: corrects a team's name; its id stays." });

export const VoidRequest = z
  .object({ reason: CorrectionReason })
  .meta({ id: 'VoidRequest', description: 'POST /api/transactions/{id}/void: the transaction stops counting and its token is free again.' });

export const ReassignRequest = z
  .object({ teamId: TeamId.meta({ description: 'A registered team (its id or its name).' }), reason: CorrectionReason })
  .meta({ id: 'ReassignRequest', description: 'POST /api/transactions/{id}/reassign: void, and the same token accepted for this team, in one commit.' });

export const ScoreAdjustRequest = z
  .object({
    teamId: TeamId.meta({ description: 'A registered team (its id or its name).' }),
    points: z
      .number()
      .int()
      .min(-100_000_000)
      .max(100_000_000)
      .refine((points) => points !== 0, 'an adjustment of 0 changes nothing')
      .meta({ description: 'Signed: −75000 takes 75,000 points off.' }),
    reason: CorrectionReason,
  })
  .meta({ id: 'ScoreAdjustRequest', description: "POST /api/scores/adjust: adds to or takes from a team's score.", examples: [{ teamId: 'Red Herrings', points: -75000, reason: 'penalty' }] });

export const ReassignResponse = z
  .object({
    voided: Transaction.meta({ description: 'The original transaction, now voided.' }),
    transaction: Transaction.meta({ description: 'The new accepted transaction for the right team.' }),
  })
  .meta({ id: 'ReassignResponse', description: 'The voided transaction and the one that replaced it.' });
export type ReassignResponse = z.infer<typeof ReassignResponse>;

export const ScoreAdjustResponse = z
  .object({ correction: Correction, score: TeamScore.meta({ description: "The team's score after it." }) })
  .meta({ id: 'ScoreAdjustResponse', description: 'The adjustment as kept, and the score after it.' });
export type ScoreAdjustResponse = z.infer<typeof ScoreAdjustResponse>;

/** The files a token may have for a player scanner to show or play (GET /api/tokens/{id}/media/{kind}). */
export const MediaKind = z.enum(['image', 'audio']).meta({ id: 'MediaKind', description: "A token's picture (`image`) or its sound (`audio`)." });
export type MediaKind = z.infer<typeof MediaKind>;

export const PlayerToken = z
  .object({
    id: z.string().meta({ description: "The token's id as the show spells it." }),
    image: z.string().optional().meta({ description: 'The address of its picture (`/api/tokens/{id}/media/image`); absent when it has none.' }),
    audio: z.string().optional().meta({ description: 'The address of its sound (`/api/tokens/{id}/media/audio`); absent when it has none.' }),
    video: z.boolean().meta({ description: 'Whether scanning it plays a clip on the TV.' }),
  })
  .meta({
    id: 'PlayerToken',
    description: 'What a player scanner shows of a token (GET /api/player/tokens/{id}): no points, group or memory type, since players do not see the economy.',
    examples: [{ id: 'tok002', image: '/api/tokens/tok002/media/image', video: true }],
  });
export type PlayerToken = z.infer<typeof PlayerToken>;
