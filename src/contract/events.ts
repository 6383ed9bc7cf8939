import { z } from 'zod';
import { ErrorPayload } from './errors.js';
import { CreateTeamRequest, VideoControl, VideoOverview } from './http.js';
import { RoomView } from './display.js';
import { CueFired } from './cues.js';
import { CorrectionReason, DeviceConnection, DeviceId, GameState, namedEnum, Session, Team, TeamId, Timestamp, TokenId, Transaction, VideoStatus } from './model.js';

/** One value per event name. */
function byEvent<E extends string, V>(events: readonly E[], valueOf: (event: E) => V): Record<E, V> {
  const values = {} as Record<E, V>;
  for (const event of events) values[event] = valueOf(event);
  return values;
}

/** `gm:identify` → `GmIdentify`: the names of the schemas generated per event. */
const pascalCase = (event: string) =>
  event
    .split(/[:-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

// ---- client → server payloads -------------------------------------------------------------

export const StationSecret = z.string().min(1).max(128).meta({
  id: 'StationSecret',
  description: 'The per-station secret a station receives when it identifies; it lets a reloaded tab take its station back.',
});

export const GmIdentify = z
  .object({
    stationId: DeviceId,
    version: z.string().trim().min(1).max(32).meta({ description: "The station's software version." }),
    name: z.string().trim().min(1).max(64).optional().meta({ description: 'A display name for the station.' }),
    stationSecret: StationSecret.optional().meta({
      description:
        "The secret from this station's last `gm:identified`. Needed only to take over a station whose connection is still " +
        'alive (a reloaded tab, a second tab); without it that identify is refused with AUTH_REQUIRED.',
    }),
  })
  .meta({
    id: 'GmIdentify',
    description: 'The `gm:identify` payload.',
    examples: [{ stationId: 'GM_STATION_01', version: '1.0.0' }],
  });
export type GmIdentify = z.infer<typeof GmIdentify>;

export const StateRequest = z.object({}).meta({ id: 'StateRequest', description: 'The `state:request` payload: an empty object (or nothing).' });
export type StateRequest = z.infer<typeof StateRequest>;

export const TransactionSubmit = z
  .object({
    tokenId: TokenId,
    teamId: TeamId,
    scannerId: DeviceId.optional().meta({ description: "Always the identified station's id: another value is replaced by it, and it may be left out." }),
  })
  .meta({ id: 'TransactionSubmit', description: 'The `transaction:submit` payload.', examples: [{ tokenId: '534e2b03', teamId: '001' }] });
export type TransactionSubmit = z.infer<typeof TransactionSubmit>;

export const Heartbeat = z
  .object({ stationId: DeviceId.meta({ description: "The identified station's own id; another station's id is INVALID_DATA." }) })
  .meta({ id: 'Heartbeat', description: 'The `heartbeat` payload.', examples: [{ stationId: 'GM_STATION_01' }] });
export type Heartbeat = z.infer<typeof Heartbeat>;

export const TransactionVoid = z
  .object({
    transactionId: z.string().trim().min(1).max(128),
    reason: CorrectionReason,
  })
  .meta({ id: 'TransactionVoid', description: 'The `transaction:void` payload.', examples: [{ transactionId: '0196b7c4-8a1e-7c3a-9f2d-3b1c5e6f7a80', reason: 'wrong team' }] });
export type TransactionVoid = z.infer<typeof TransactionVoid>;

export const clientEventSchemas = {
  'gm:identify': GmIdentify,
  'state:request': StateRequest,
  'transaction:submit': TransactionSubmit,
  'transaction:void': TransactionVoid,
  'team:create': CreateTeamRequest,
  heartbeat: Heartbeat,
  'video:control': VideoControl,
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;
export const clientEventNames = Object.keys(clientEventSchemas) as ClientEventName[];

/** What each client event does; the published documents say it. */
const clientEventDescriptions = {
  'gm:identify':
    'Identifies the connection as a GM station: joins `gm-stations`, `session:{id}` and `station:{stationId}` and answers ' +
    '`gm:identified` (also the ack); other stations and `admin` get `device:connected`. More than MAX_GM_STATIONS → DEVICE_LIMIT, ' +
    "then disconnect. While a station's connection is alive, another may take it over only with its `stationSecret`; the old " +
    "connection then gets AUTH_REQUIRED (`details: {reason: \"taken-over\"}`) and is closed. A connection that has not identified " +
    'within 10 s is closed after an AUTH_REQUIRED error.',
  'state:request': 'Asks for `sync:full {session, state, devices, transactions (last 100)}`, sent to this connection. Admin connections may ask without identifying.',
  'transaction:submit':
    'Submits a scanned token for a team. Written to the game log before it is acknowledged and before `transaction:new` goes to ' +
    '`session:{id}` and `admin`. Resubmitting the same (scannerId, tokenId, teamId) returns the original transaction, so a retry ' +
    'after a lost ack is safe. A new team past MAX_TEAMS → TEAM_LIMIT; no current session → SESSION_NOT_FOUND.',
  'transaction:void':
    "Undoes one of this station's own transactions of the current session (a wrong team): it stops counting, its token is free to " +
    'be scanned for the right team, group bonuses are recomputed. Written before it is acknowledged (with the voided transaction); ' +
    "everyone gets `transaction:updated` and `state:update`. Another station's transaction → FORBIDDEN; one already voided or that " +
    'never counted → CONFLICT; unknown → NOT_FOUND.',
  'team:create':
    'Registers a team in the current session (acknowledged with it); a name another team has, without case, answers that team. ' +
    'Past MAX_TEAMS → TEAM_LIMIT; no current session → SESSION_NOT_FOUND.',
  heartbeat: "Refreshes the station's connection.",
  'video:control': 'Admin connections only: the same commands as `POST /api/video`; acknowledged with the video overview.',
} as const satisfies Record<ClientEventName, string>;

/** A client emits an event's bare payload or the `{event, data}` envelope. */
export function clientMessageOf<E extends ClientEventName>(event: E) {
  const payload = clientEventSchemas[event];
  return z.union([payload, z.object({ event: z.literal(event), data: payload })]);
}

/** What a client may send for each event, named `GmIdentifyMessage`, ... in the published documents. */
export const clientMessages = byEvent(clientEventNames, (event): z.ZodType =>
  clientMessageOf(event).meta({ id: `${pascalCase(event)}Message`, description: `\`${event}\`: ${clientEventDescriptions[event]}` }),
);

// ---- server → client payloads -------------------------------------------------------------

export const GmIdentified = z
  .object({
    success: z.literal(true),
    sessionId: z.string().nullable(),
    state: GameState,
    stationSecret: StationSecret.meta({ description: 'Keep it: presenting it in `gm:identify` takes this station back while another connection holds it.' }),
  })
  .meta({ id: 'GmIdentified', description: 'The answer to `gm:identify`.' });
export type GmIdentified = z.infer<typeof GmIdentified>;

export const DeviceConnected = DeviceConnection.pick({ deviceId: true, type: true, name: true, ipAddress: true }).meta({
  id: 'DeviceConnected',
  description: 'A GM station identified, or a player scanner was first seen.',
});
export type DeviceConnected = z.infer<typeof DeviceConnected>;

export const DisconnectReason = namedEnum(
  'DisconnectReason',
  ['timeout', 'manual', 'error'],
  '`manual` for a client or server disconnect, `timeout` when Socket.IO pings go unanswered (10 s interval + 20 s timeout) ' +
    'or a player scanner stops its heartbeats, `error` for transport failures and connections cut for not reading.',
);
export type DisconnectReason = z.infer<typeof DisconnectReason>;

export const DeviceDisconnected = z
  .object({ deviceId: z.string(), reason: DisconnectReason })
  .meta({ id: 'DeviceDisconnected', description: 'A device went away.' });
export type DeviceDisconnected = z.infer<typeof DeviceDisconnected>;

export const SyncFull = z
  .object({
    session: Session.nullable(),
    state: GameState,
    devices: z.array(DeviceConnection),
    transactions: z.array(Transaction).meta({ description: "The session's last 100 transactions." }),
  })
  .meta({ id: 'SyncFull', description: 'Everything a station needs to redraw.' });
export type SyncFull = z.infer<typeof SyncFull>;

export const TransactionUpdated = z
  .object({ transaction: Transaction })
  .meta({ id: 'TransactionUpdated', description: 'A transaction as it is now (voided).' });
export type TransactionUpdated = z.infer<typeof TransactionUpdated>;

export const serverEventSchemas = {
  'gm:identified': GmIdentified,
  'state:update': GameState,
  'transaction:new': Transaction,
  'transaction:updated': TransactionUpdated,
  'video:status': VideoStatus,
  'device:connected': DeviceConnected,
  'device:disconnected': DeviceDisconnected,
  'sync:full': SyncFull,
  'display:view': RoomView,
  'cue:fired': CueFired,
  error: ErrorPayload,
} as const;
export type ServerEventName = keyof typeof serverEventSchemas;
export type ServerEventData<E extends ServerEventName> = z.infer<(typeof serverEventSchemas)[E]>;
export const serverEventNames = Object.keys(serverEventSchemas) as ServerEventName[];

/** When each server event is sent; the published documents say it. */
const serverEventDescriptions = {
  'gm:identified': 'The answer to `gm:identify`, to that connection; a returning station then gets what was broadcast while it was away.',
  'state:update': 'The game state changed. Coalesced: at most one each 100 ms, the latest state always delivered.',
  'transaction:new': 'A transaction was recorded (after it is durable); `groupCompleted` says when it completed a group.',
  'transaction:updated': 'A transaction was voided (by staff, or undone by its station): it no longer counts. A reassignment also sends the new transaction as `transaction:new`.',
  'video:status': 'The TV started, paused, finished or failed a clip.',
  'device:connected': "A device connected. A station's own connection is not told; player scanners' events are coalesced (at most one batch each 500 ms).",
  'device:disconnected': "A device went away. Player scanners' events are coalesced (at most one batch each 500 ms).",
  'sync:full':
    'The whole picture: the answer to `state:request`, sent to every station and `admin` when a session starts or the game is reset, ' +
    'and to a returning station whose replay queue overflowed (more than 100 envelopes).',
  'display:view':
    'To display connections (`auth: {display: true}`, as `/scoreboard` connects) only: what the room screens show, once on ' +
    'connecting and whenever it changes (at most once a second).',
  'cue:fired': 'To `admin`: a cue ran (fired by its trigger, the clock or staff), with what each action did, once every action finished.',
  error:
    'A failure: the same as the failed ack, plus failures with no event to answer (a taken-over station, the identify deadline, ' +
    'the connection cap, an expired admin login). RATE_LIMITED at most once a second per connection.',
} as const satisfies Record<ServerEventName, string>;

/** Every server → client event travels in this envelope. */
export function envelopeOf<E extends ServerEventName>(event: E) {
  return z.object({ event: z.literal(event), data: dataSchemaOf(event), timestamp: Timestamp });
}
/** Typed by its output, so that `Envelope<E>` stays a plain object type for a generic `E`. */
function dataSchemaOf<E extends ServerEventName>(event: E): z.ZodType<ServerEventData<E>> {
  // TypeScript cannot see that the schema of a generic event outputs that event's data.
  return serverEventSchemas[event] as unknown as z.ZodType<ServerEventData<E>>;
}
export type Envelope<E extends ServerEventName = ServerEventName> = z.infer<ReturnType<typeof envelopeOf<E>>>;

/** The envelope of each server event, named `StateUpdateEnvelope`, ... in the published documents. */
export const serverEnvelopes = byEvent(serverEventNames, (event): z.ZodType =>
  envelopeOf(event).meta({ id: `${pascalCase(event)}Envelope`, description: `\`${event}\`: ${serverEventDescriptions[event]}` }),
);

// ---- acknowledgements ---------------------------------------------------------------------

export const AckError = z
  .object({ ok: z.literal(false), error: ErrorPayload })
  .meta({ id: 'AckError', description: 'A failed acknowledgement; the same error also arrives as an `error` event.' });

/** The acknowledgement of a client event: `{ok: true, data}` or `{ok: false, error}`. */
export function ackResponseOf<T extends z.ZodType>(data: T) {
  return z.union([z.object({ ok: z.literal(true), data }), AckError]);
}
export const AckResponse = ackResponseOf(z.unknown()).meta({
  id: 'AckResponse',
  description: 'Every client event takes an optional acknowledgement callback, answered `{ok: true, data}` or `{ok: false, error}`.',
});
export type AckResponse<T = unknown> = z.infer<ReturnType<typeof ackResponseOf<z.ZodType<T>>>>;
export const AckOk = AckResponse.options[0];

/** What a successful ack carries for each client event. */
export const ackDataSchemas = {
  'gm:identify': GmIdentified,
  'state:request': z.object({
    event: z.enum(['sync:full', 'display:view']).meta({ description: 'The event that follows on this connection: `display:view` for a display connection.' }),
  }),
  'transaction:submit': Transaction,
  'transaction:void': Transaction,
  'team:create': Team,
  heartbeat: z.object({ stationId: z.string(), serverTime: Timestamp }),
  'video:control': VideoOverview,
} as const satisfies Record<ClientEventName, z.ZodType>;
export type AckData<E extends ClientEventName> = z.infer<(typeof ackDataSchemas)[E]>;

/** The acknowledgement of each client event, named `GmIdentifyAck`, ... in the published documents. */
export const ackResponses = byEvent(clientEventNames, (event): z.ZodType =>
  ackResponseOf(ackDataSchemas[event]).meta({ id: `${pascalCase(event)}Ack`, description: `The acknowledgement of \`${event}\`.` }),
);

// ---- Socket.IO typed-event maps, inferred from the schemas --------------------------------

/** A client may send the bare payload or the `{event, data}` envelope. */
export type ClientPayload<E extends ClientEventName> = z.input<ReturnType<typeof clientMessageOf<E>>>;

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayload<E>, ack?: (response: AckResponse<AckData<E>>) => void) => void;
};

export type ServerToClientEvents = {
  [E in ServerEventName]: (envelope: Envelope<E>) => void;
};

/** Connection handshake: `io(url, { auth: { token } })`. */
export const HandshakeAuth = z
  .object({
    token: z
      .string()
      .max(2048)
      .optional()
      .meta({ description: 'The station token (required while STATION_TOKEN is set) or an admin token from POST /api/admin/login, which joins the `admin` room.' }),
    display: z
      .boolean()
      .optional()
      .meta({ description: 'True for a read-only display (`/scoreboard`): no token needed; it receives `display:view` and may send only `state:request`.' }),
  })
  .meta({ id: 'HandshakeAuth', description: "Socket.IO's handshake `auth` object: `io(url, {auth: {token}})`." });
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;
