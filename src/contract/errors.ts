import { z } from 'zod';

/**
 * Error codes of the contract. The first six are the spec's table; the others are additions:
 * RATE_LIMITED (an event over its rate limit), NOT_FOUND (no such HTTP route), VIDEO_BUSY
 * (a player scan of a video while another one plays, or the video queue is full), FORBIDDEN
 * (a request from a host or origin that is not the orchestrator's own) and TEAM_LIMIT (a
 * submission for a new team when the session already has MAX_TEAMS teams).
 */
export const ErrorCode = z.enum([
  'AUTH_REQUIRED',
  'INVALID_TOKEN',
  'SESSION_NOT_FOUND',
  'DEVICE_LIMIT',
  'INVALID_DATA',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'NOT_FOUND',
  'VIDEO_BUSY',
  'FORBIDDEN',
  'TEAM_LIMIT',
  'CONFLICT',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/**
 * A failure with a contract code; every transport turns it into its own error reply (the
 * HTTP statuses are the HTTP transport's table, not the error's).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Turns a zod failure into INVALID_DATA whose details name each bad field. */
export function invalidData(error: z.ZodError, what: string): AppError {
  const details = error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = details[0];
  const message = first ? `invalid ${what}: ${first.field}: ${first.message}` : `invalid ${what}`;
  return new AppError('INVALID_DATA', message, { details });
}

/** Parses input with a schema or throws INVALID_DATA naming the fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidData(result.error, what);
  return result.data;
}
