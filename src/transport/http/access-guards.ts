import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../contract/index.js';
import type { Clock } from '../../ports/clock.js';
import type { AdminAuth } from '../admin-auth.js';
import type { FailedAttempts } from '../failed-attempts.js';
import { sameSecret } from '../same-secret.js';

export interface AccessGuardDeps {
  adminAuth: AdminAuth;
  clock: Pick<Clock, 'now'>;
  /** The station token; undefined when the stations are open. */
  stationToken: string | undefined;
  /** Wrong station tokens, shared with the Socket.IO handshake. */
  stationTokenFailures: FailedAttempts;
}

export type Guard = (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** The middleware of the routes' `access`: an admin token, or (while stations are closed) the station token. */
export function accessGuards(deps: AccessGuardDeps): { requireAdmin: Guard; requireStation: Guard } {
  const { adminAuth, clock } = deps;
  const requireAdmin: Guard = async (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined) throw new AppError('AUTH_REQUIRED', 'admin login required');
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !(await adminAuth.verifyToken(match[1], clock.now()))) {
      throw new AppError('INVALID_TOKEN', 'the admin token is invalid or expired');
    }
    next();
  };
  const requireStation: Guard = async (req, _res, next) => {
    const expected = deps.stationToken;
    if (expected === undefined) {
      next();
      return;
    }
    const presented = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (presented === undefined) throw new AppError('AUTH_REQUIRED', 'the station token is required');
    const address = req.socket.remoteAddress ?? 'unknown';
    if (!deps.stationTokenFailures.mayTry(address)) throw new AppError('RATE_LIMITED', 'too many wrong tokens from this address: wait a minute');
    if (!sameSecret(presented, expected) && !(await adminAuth.verifyToken(presented, clock.now()))) {
      deps.stationTokenFailures.failed(address);
      throw new AppError('INVALID_TOKEN', 'the station token is not valid');
    }
    deps.stationTokenFailures.succeeded(address);
    next();
  };
  return { requireAdmin, requireStation };
}
