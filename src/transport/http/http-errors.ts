import { AppError, type ErrorCode, type ErrorPayload } from '../../contract/index.js';
import { UnknownTokenError } from '../../domain/errors.js';

/** The HTTP status of each contract code. */
const statusOfCode: Record<ErrorCode, number> = {
  AUTH_REQUIRED: 401,
  INVALID_TOKEN: 401,
  SESSION_NOT_FOUND: 404,
  DEVICE_LIMIT: 429,
  INVALID_DATA: 400,
  SERVER_ERROR: 500,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  VIDEO_BUSY: 409,
  FORBIDDEN: 403,
  TEAM_LIMIT: 409,
  CONFLICT: 409,
};

/** A failure only HTTP has (a body too large, a server not ready): its status is its own. */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'HttpError';
  }
}

export interface HttpErrorReply {
  status: number;
  body: ErrorPayload & { status?: 'rejected' };
}

/**
 * The one table from contract errors to HTTP replies: the code's status, 404 for a token the
 * show does not have (a missing thing, not a malformed request), and the `status: "rejected"`
 * that a refused player scan's body carries beside the code.
 */
export function httpReplyOf(error: AppError): HttpErrorReply {
  const status = error instanceof HttpError ? error.status : error instanceof UnknownTokenError ? 404 : statusOfCode[error.code];
  const payload = error.toPayload();
  return { status, body: error.code === 'VIDEO_BUSY' ? { ...payload, status: 'rejected' } : payload };
}
