import { z } from 'zod';

/** The domain objects that travel on the wire. One declaration each: the type is inferred. */

const IsoTimestamp = z.iso.datetime({ offset: true });

export const TokenId = z.string().trim().min(1).max(128);
export const TeamId = z.string().trim().min(1, 'team id must not be empty').max(64);
export const DeviceId = z.string().trim().min(1).max(64);

export const TransactionStatus = z.enum(['accepted', 'rejected', 'duplicate']);
export type TransactionStatus = z.infer<typeof TransactionStatus>;

export const Transaction = z.object({
  id: z.string(),
  tokenId: z.string(),
  teamId: z.string(),
  scannerId: z.string(),
  sessionId: z.string(),
  timestamp: IsoTimestamp,
  status: TransactionStatus,
  rejectionReason: z.string().optional(),
  points: z.number().int().nonnegative(),
});
export type Transaction = z.infer<typeof Transaction>;

export const TeamScore = z.object({
  teamId: z.string(),
  currentScore: z.number().int(),
  tokensScanned: z.number().int().nonnegative(),
  bonusPoints: z.number().int().nonnegative(),
  completedGroups: z.array(z.string()),
  lastUpdate: IsoTimestamp,
});
export type TeamScore = z.infer<typeof TeamScore>;

export const VideoState = z.enum(['idle', 'loading', 'playing', 'paused', 'completed', 'error']);
export type VideoState = z.infer<typeof VideoState>;

export const VideoStatus = z.object({
  status: VideoState,
  tokenId: z.string().optional(),
  progress: z.number().min(0).max(100).optional(),
  duration: z.number().nonnegative().optional(),
  error: z.string().optional(),
});
export type VideoStatus = z.infer<typeof VideoStatus>;

/** The Pi firmware's throttling flags (`get_throttled`), now and since boot. */
export const Throttling = z.object({
  underVoltageNow: z.boolean(),
  frequencyCappedNow: z.boolean(),
  throttledNow: z.boolean(),
  softTemperatureLimitNow: z.boolean(),
  underVoltageSinceBoot: z.boolean(),
  frequencyCappedSinceBoot: z.boolean(),
  throttledSinceBoot: z.boolean(),
  softTemperatureLimitSinceBoot: z.boolean(),
});
export type Throttling = z.infer<typeof Throttling>;

/** The appliance's health, sampled on an interval (GET /api/status). */
export const HealthSample = z.object({
  sampledAt: IsoTimestamp,
  load1: z.number().nonnegative(),
  cpuPercent: z.number().min(0).max(100),
  memory: z.object({ totalBytes: z.number().nonnegative(), availableBytes: z.number().nonnegative() }),
  disk: z.object({ path: z.string(), freeBytes: z.number().nonnegative(), totalBytes: z.number().nonnegative() }).optional(),
  uptimeSeconds: z.number().nonnegative(),
  temperatureC: z.number().optional(),
  throttling: Throttling.optional(),
});
export type HealthSample = z.infer<typeof HealthSample>;

export const ResetSource = z.enum(['admin', 'button']);
export type ResetSource = z.infer<typeof ResetSource>;

export const SystemStatus = z.object({
  orchestratorOnline: z.boolean(),
  videoDisplayReady: z.boolean(),
  /** Whether a TV is connected to the Pi's HDMI port (from the DRM connector); absent where unknown. */
  displayConnected: z.boolean().optional(),
  /** The hardware reset button: `fault` for a line stuck active, `unavailable` when none is wired or readable. */
  resetButton: z.enum(['ok', 'fault', 'unavailable']),
  /** Under-voltage now or since boot (a weak power supply): the one health fact worth a warning to GMs. */
  underVoltage: z.boolean().optional(),
  /** The last game reset, so every station can say "reset by button". */
  lastReset: z.object({ source: ResetSource, at: IsoTimestamp }).optional(),
});
export type SystemStatus = z.infer<typeof SystemStatus>;

/** The clip on the TV: who asked for it and when it should end. */
export const CurrentVideo = z.object({
  tokenId: z.string(),
  startTime: IsoTimestamp,
  expectedEndTime: IsoTimestamp.optional(),
  requestedBy: z.string(),
});
export type CurrentVideo = z.infer<typeof CurrentVideo>;

export const VideoItemStatus = z.enum(['queued', 'playing', 'completed', 'failed', 'skipped', 'stopped']);
export type VideoItemStatus = z.infer<typeof VideoItemStatus>;

/** One request to play a token's clip, kept in the store until it has played. */
export const VideoItem = z.object({
  id: z.string(),
  tokenId: z.string(),
  video: z.string(),
  requestedBy: z.string(),
  status: VideoItemStatus,
  reason: z.string().optional(),
  requestedAt: IsoTimestamp,
  startedAt: IsoTimestamp.optional(),
  endedAt: IsoTimestamp.optional(),
});
export type VideoItem = z.infer<typeof VideoItem>;

export const GameState = z.object({
  sessionId: z.string().nullable(),
  lastUpdate: IsoTimestamp,
  /** The latest `video:status`, so a station that just connected knows what the TV shows. */
  video: VideoStatus,
  currentVideo: CurrentVideo.optional(),
  scores: z.array(TeamScore),
  recentTransactions: z.array(Transaction),
  systemStatus: SystemStatus,
});
export type GameState = z.infer<typeof GameState>;

export const SessionStatus = z.enum(['active', 'paused', 'completed']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const Session = z.object({
  id: z.string(),
  name: z.string(),
  startTime: IsoTimestamp,
  endTime: IsoTimestamp.optional(),
  status: SessionStatus,
  transactionCount: z.number().int().nonnegative(),
  acceptedCount: z.number().int().nonnegative(),
  playerScanCount: z.number().int().nonnegative(),
});
export type Session = z.infer<typeof Session>;

export const DeviceType = z.enum(['gm', 'player']);
export type DeviceType = z.infer<typeof DeviceType>;

export const DeviceConnection = z.object({
  deviceId: z.string(),
  type: DeviceType,
  name: z.string().optional(),
  ipAddress: z.string().optional(),
  connectionTime: IsoTimestamp,
  lastHeartbeat: IsoTimestamp,
  connectionStatus: z.enum(['connected', 'disconnected']),
});
export type DeviceConnection = z.infer<typeof DeviceConnection>;

export const PlayerScan = z.object({
  tokenId: z.string(),
  deviceId: z.string(),
  sessionId: z.string().nullable(),
  timestamp: IsoTimestamp,
  video: z.boolean(),
});
export type PlayerScan = z.infer<typeof PlayerScan>;

/** A token of the show, as served by GET /api/tokens. */
export const ShowToken = z.object({
  id: z.string(),
  value: z.number().int().nonnegative(),
  rating: z.number().int(),
  memoryType: z.string(),
  group: z.string().optional(),
  video: z.string().optional(),
  image: z.string().optional(),
  audio: z.string().optional(),
});
export type ShowToken = z.infer<typeof ShowToken>;
