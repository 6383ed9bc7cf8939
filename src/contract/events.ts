import { z } from 'zod';
import { ErrorPayload } from './errors.js';
import { VideoControl, VideoOverview } from './http.js';
import { DeviceConnection, DeviceId, GameState, Session, TeamId, TokenId, Transaction, VideoStatus } from './model.js';

// ---- client → server payloads -------------------------------------------------------------

/** The per-station secret a station receives when it identifies; it lets a reloaded tab take its station back. */
export const StationSecret = z.string().min(1).max(128);

export const GmIdentify = z.object({
  stationId: DeviceId,
  version: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(64).optional(),
  /**
   * The secret from this station's last `gm:identified`. Needed only to take over a station whose
   * connection is still alive (a reloaded tab, a second tab); without it that identify is refused.
   */
  stationSecret: StationSecret.optional(),
});
export type GmIdentify = z.infer<typeof GmIdentify>;

export const StateRequest = z.object({});
export type StateRequest = z.infer<typeof StateRequest>;

export const TransactionSubmit = z.object({
  tokenId: TokenId,
  teamId: TeamId,
  /** Always the identified station's id: another value is replaced by it, and it may be left out. */
  scannerId: DeviceId.optional(),
});
export type TransactionSubmit = z.infer<typeof TransactionSubmit>;

export const Heartbeat = z.object({ stationId: DeviceId });
export type Heartbeat = z.infer<typeof Heartbeat>;

export const clientEventSchemas = {
  'gm:identify': GmIdentify,
  'state:request': StateRequest,
  'transaction:submit': TransactionSubmit,
  heartbeat: Heartbeat,
  /** Admin connections only: the same commands as `POST /api/video`. */
  'video:control': VideoControl,
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;
export const clientEventNames = Object.keys(clientEventSchemas) as ClientEventName[];

// ---- server → client payloads -------------------------------------------------------------

export const GmIdentified = z.object({
  success: z.literal(true),
  sessionId: z.string().nullable(),
  state: GameState,
  /** Keep it: presenting it in `gm:identify` takes this station back while another connection holds it. */
  stationSecret: StationSecret,
});
export type GmIdentified = z.infer<typeof GmIdentified>;

export const DeviceConnected = DeviceConnection.pick({ deviceId: true, type: true, name: true, ipAddress: true });
export type DeviceConnected = z.infer<typeof DeviceConnected>;

export const DisconnectReason = z.enum(['timeout', 'manual', 'error']);
export type DisconnectReason = z.infer<typeof DisconnectReason>;

export const DeviceDisconnected = z.object({ deviceId: z.string(), reason: DisconnectReason });
export type DeviceDisconnected = z.infer<typeof DeviceDisconnected>;

export const SyncFull = z.object({
  session: Session.nullable(),
  state: GameState,
  devices: z.array(DeviceConnection),
  transactions: z.array(Transaction),
});
export type SyncFull = z.infer<typeof SyncFull>;

export const serverEventSchemas = {
  'gm:identified': GmIdentified,
  'state:update': GameState,
  'transaction:new': Transaction,
  'video:status': VideoStatus,
  'device:connected': DeviceConnected,
  'device:disconnected': DeviceDisconnected,
  'sync:full': SyncFull,
  error: ErrorPayload,
} as const;
export type ServerEventName = keyof typeof serverEventSchemas;
export type ServerEventData<E extends ServerEventName> = z.infer<(typeof serverEventSchemas)[E]>;

/** Every server → client event travels in this envelope. */
export function envelopeOf<E extends ServerEventName>(event: E) {
  return z.object({ event: z.literal(event), data: serverEventSchemas[event], timestamp: z.iso.datetime() });
}
export interface Envelope<E extends ServerEventName = ServerEventName> {
  event: E;
  data: ServerEventData<E>;
  timestamp: string;
}

// ---- acknowledgements ---------------------------------------------------------------------

export const AckOk = z.object({ ok: z.literal(true), data: z.unknown() });
export const AckError = z.object({ ok: z.literal(false), error: ErrorPayload });
export const AckResponse = z.union([AckOk, AckError]);
export type AckResponse<T = unknown> = { ok: true; data: T } | z.infer<typeof AckError>;

/** What a successful ack carries for each client event. */
export const ackDataSchemas = {
  'gm:identify': GmIdentified,
  'state:request': z.object({ event: z.literal('sync:full') }),
  'transaction:submit': Transaction,
  heartbeat: z.object({ stationId: z.string(), serverTime: z.iso.datetime() }),
  'video:control': VideoOverview,
} as const satisfies Record<ClientEventName, z.ZodType>;
export type AckData<E extends ClientEventName> = z.infer<(typeof ackDataSchemas)[E]>;

// ---- Socket.IO typed-event maps, inferred from the schemas --------------------------------

/** A client may send the bare payload or the `{event, data}` envelope. */
export type ClientPayload<E extends ClientEventName> =
  | z.input<(typeof clientEventSchemas)[E]>
  | { event: E; data: z.input<(typeof clientEventSchemas)[E]> };

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayload<E>, ack?: (response: AckResponse<AckData<E>>) => void) => void;
};

export type ServerToClientEvents = {
  [E in ServerEventName]: (envelope: Envelope<E>) => void;
};

/** Connection handshake: `io(url, { auth: { token } })`. */
export const HandshakeAuth = z.object({ token: z.string().max(2048).optional() });
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;
