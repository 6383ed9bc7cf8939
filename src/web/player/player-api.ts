import type {
  ErrorPayload,
  PlayerScanBatchResponse,
  PlayerScanRequest,
  PlayerScanResponse,
  PlayerToken,
} from '../../contract/index.js';

/** How long a request may take before the scanner counts the orchestrator as out of reach. */
const TIMEOUT_MS = 5000;

/** An answer from the orchestrator, or none (no Wi-Fi, no server, too slow). */
type Reply = { status: number; body: unknown } | undefined;

/** The answer to one scan: recorded, refused with the orchestrator's error, or not sent at all. */
export type ScanAnswer =
  | { kind: 'accepted'; body: PlayerScanResponse }
  | { kind: 'refused'; status: number; error: ErrorPayload }
  | { kind: 'unreachable' };

/**
 * The player scanner's requests. It also keeps the orchestrator's clock from each answer's
 * `Date` header: the Pi on its hotspot has no time source and a phone's clock may be off by
 * minutes, so a scan's time is sent in the orchestrator's clock, which judges its staleness.
 */
export class PlayerApi {
  /** The orchestrator's clock minus this device's, once an answer has told it. */
  private offsetMs: number | undefined;

  /** A moment of this device's clock as the orchestrator's clock reads it (ISO 8601). */
  serverTime(deviceTime: string): string {
    const ms = Date.parse(deviceTime);
    return Number.isNaN(ms) || this.offsetMs === undefined ? deviceTime : new Date(ms + this.offsetMs).toISOString();
  }

  async scan(scan: PlayerScanRequest): Promise<ScanAnswer> {
    const reply = await this.request('POST', '/api/scan', this.inServerTime(scan));
    if (reply === undefined) return { kind: 'unreachable' };
    if (reply.status === 200 && (reply.body as Partial<PlayerScanResponse> | undefined)?.status === 'accepted') {
      return { kind: 'accepted', body: reply.body as PlayerScanResponse };
    }
    return { kind: 'refused', status: reply.status, error: errorOf(reply.body) };
  }

  /** Scans kept offline, oldest first; undefined when they could not all be answered now. */
  async batch(scans: readonly PlayerScanRequest[]): Promise<PlayerScanBatchResponse | undefined> {
    const reply = await this.request('POST', '/api/scan/batch', { scans: scans.map((scan) => this.inServerTime(scan)) });
    const results = (reply?.body as Partial<PlayerScanBatchResponse> | undefined)?.results;
    return reply?.status === 200 && Array.isArray(results) && results.length === scans.length ? { results } : undefined;
  }

  async heartbeat(deviceId: string): Promise<boolean> {
    return (await this.request('POST', '/api/heartbeat', { deviceId }))?.status === 200;
  }

  /** What to show of a token: its picture and sound; undefined for an unknown token or no answer. */
  async token(tokenId: string): Promise<PlayerToken | undefined> {
    const reply = await this.request('GET', `/api/player/tokens/${encodeURIComponent(tokenId)}`);
    const token = reply?.status === 200 ? (reply.body as Partial<PlayerToken> | undefined) : undefined;
    return typeof token?.id === 'string' ? (token as PlayerToken) : undefined;
  }

  private inServerTime(scan: PlayerScanRequest): PlayerScanRequest {
    return scan.scannedAt === undefined ? scan : { ...scan, scannedAt: this.serverTime(scan.scannedAt) };
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
    // AbortSignal.timeout is newer than the tablets this page supports.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(path, {
        method,
        signal: abort.signal,
        cache: 'no-store',
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      this.learnClock(response.headers.get('date'));
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: a proxy's or captive portal's page
      }
      return { status: response.status, body: parsed };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `Date` has whole seconds: the orchestrator's time is, on average, half a second past it. */
  private learnClock(date: string | null): void {
    const serverMs = date === null ? NaN : Date.parse(date);
    if (!Number.isNaN(serverMs)) this.offsetMs = serverMs + 500 - Date.now();
  }
}

function errorOf(body: unknown): ErrorPayload {
  const candidate = body as Partial<ErrorPayload> | undefined;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string'
    ? (candidate as ErrorPayload)
    : { code: 'SERVER_ERROR', message: 'the orchestrator gave no usable answer' };
}
