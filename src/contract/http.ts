import { z } from 'zod';
import { DeviceId, HealthSample, SessionStatus, SystemStatus, TokenId, VideoItem, VideoStatus } from './model.js';

/** Bodies and queries of the HTTP API. Responses reuse the model schemas. */

export const LoginRequest = z.object({ password: z.string().min(1).max(256) });
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime() });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const NewSessionRequest = z.object({ name: z.string().trim().min(1).max(100).optional() });

export const UpdateSessionRequest = z.object({ status: SessionStatus });

export const ExportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

export const PlayerScanRequest = z.object({ tokenId: TokenId, deviceId: DeviceId });
export const PlayerScanResponse = z.object({
  status: z.literal('accepted'),
  tokenId: z.string(),
  video: z.boolean(),
});
export type PlayerScanResponse = z.infer<typeof PlayerScanResponse>;

/** GET /api/station-access (admin): whether stations need the token, and the token for the join QR code. */
export const StationAccessResponse = z.object({ open: z.boolean(), token: z.string().nullable() });
export type StationAccessResponse = z.infer<typeof StationAccessResponse>;

export const PlayerHeartbeatRequest = z.object({ deviceId: DeviceId });

export const HealthResponse = z.object({ status: z.literal('ok') });

/** Admin video controls, over HTTP (`POST /api/video`) and the admin socket (`video:control`). */
export const VideoControl = z.discriminatedUnion('action', [
  z.object({ action: z.literal('play'), tokenId: TokenId }),
  z.object({ action: z.enum(['pause', 'resume', 'stop', 'skip']) }),
]);
export type VideoControl = z.infer<typeof VideoControl>;

export const VideoOverview = z.object({
  status: VideoStatus,
  current: VideoItem.optional(),
  queue: z.array(VideoItem),
});
export type VideoOverview = z.infer<typeof VideoOverview>;

/** GET /api/status (admin): the system summary and the latest health sample. */
export const StatusResponse = z.object({ system: SystemStatus, health: HealthSample.nullable() });
export type StatusResponse = z.infer<typeof StatusResponse>;
