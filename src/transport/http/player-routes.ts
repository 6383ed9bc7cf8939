import type express from 'express';
import type { Logger } from 'pino';
import {
  type AppError,
  invalidData,
  parseOrThrow,
  PlayerHeartbeatRequest,
  PlayerScanBatchRequest,
  PlayerScanRequest,
  ScanId,
  type OkResponse,
  type PlayerScan,
  type PlayerScanBatchResponse,
  type PlayerScanRejection,
  type PlayerScanResponse,
} from '../../contract/index.js';
import type { ShowOperations } from '../../ports/show-operations.js';
import { toAppError } from '../errors.js';

export interface PlayerRouteDeps {
  players: Pick<ShowOperations, 'playerScan' | 'playerHeartbeat'>;
  /** The player scanners' rate limit: a batch counts as one request (and holds at most MAX_SCANS_PER_BATCH scans). */
  limit: express.RequestHandler;
  log: Logger;
}

/** What a player scanner is told of a recorded scan: the same when it sends the scan again. */
export function scanAnswer(scan: PlayerScan): PlayerScanResponse {
  return {
    status: 'accepted',
    tokenId: scan.tokenId,
    video: scan.video,
    ...(scan.scanId === undefined ? {} : { scanId: scan.scanId }),
    ...(scan.stale ? { stale: true, message: staleMessage(scan) } : {}),
  };
}

function staleMessage(scan: PlayerScan): string {
  const seconds = Math.round((Date.parse(scan.timestamp) - Date.parse(scan.scannedAt ?? scan.timestamp)) / 1000);
  return `made ${seconds} s before it reached the orchestrator: recorded, but too late to start a video`;
}

/** The player scanners' routes: `/api/scan`, `/api/scan/batch`, `/api/heartbeat`. */
export function addPlayerRoutes(router: express.Express, deps: PlayerRouteDeps): void {
  const { players, limit } = deps;
  const log = deps.log.child({ component: 'player-scans' });

  router.post('/api/scan', limit, async (req, res) => {
    const { tokenId, deviceId, ...onDevice } = parseOrThrow(PlayerScanRequest, req.body, 'scan');
    const scan = await players.playerScan(tokenId, deviceId, req.ip, onDevice);
    res.json(scanAnswer(scan));
  });

  router.post('/api/scan/batch', limit, async (req, res) => {
    const { scans } = parseOrThrow(PlayerScanBatchRequest, req.body, 'scan batch');
    // Every scan is staged before the first await, so the batch shares one group commit, and
    // their clips are asked for in the batch's order.
    const answers = scans.map((item, index) => {
      const scan = PlayerScanRequest.safeParse(item);
      if (!scan.success) return Promise.reject(invalidData(scan.error, `scan ${index}`));
      const { tokenId, deviceId, ...onDevice } = scan.data;
      return players.playerScan(tokenId, deviceId, req.ip, onDevice);
    });
    const settled = await Promise.allSettled(answers);
    // A failed commit rejects every scan of the batch with the same error: logged once.
    const errors = new Map<unknown, AppError>();
    const appErrorOf = (error: unknown): AppError => {
      const known = errors.get(error);
      if (known) return known;
      const converted = toAppError(error, log);
      errors.set(error, converted);
      return converted;
    };
    const body: PlayerScanBatchResponse = {
      results: settled.map((outcome, index) =>
        outcome.status === 'fulfilled' ? scanAnswer(outcome.value) : refusal(appErrorOf(outcome.reason), scans[index]),
      ),
    };
    const refused = body.results.filter((result) => result.status === 'rejected').length;
    const stale = body.results.filter((result) => result.status === 'accepted' && result.stale).length;
    log.info({ address: req.ip, scans: scans.length, refused, stale }, 'player scan batch');
    res.json(body);
  });

  router.post('/api/heartbeat', limit, (req, res) => {
    const { deviceId } = parseOrThrow(PlayerHeartbeatRequest, req.body, 'heartbeat');
    players.playerHeartbeat(deviceId, req.ip);
    const body: OkResponse = { status: 'ok' };
    res.json(body);
  });
}

/** A refused scan of a batch: the error the single route would answer, and the scan's id when it had a valid one. */
function refusal(error: AppError, item: unknown): PlayerScanRejection {
  const rawId: unknown = typeof item === 'object' && item !== null && 'scanId' in item ? item.scanId : undefined;
  const scanId = ScanId.safeParse(rawId);
  return { ...error.toPayload(), status: 'rejected', ...(scanId.success ? { scanId: scanId.data } : {}) };
}
