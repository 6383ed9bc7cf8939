import { z } from 'zod';
import { DeviceId, SessionStatus, TokenId } from './model.js';

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

export const PlayerHeartbeatRequest = z.object({ deviceId: DeviceId });

export const HealthResponse = z.object({ status: z.literal('ok') });
