import type { Logger } from 'pino';
import { AppError, isAppError } from '../contract/index.js';

/**
 * Any failure as a contract error. Unexpected ones are logged here with their stack and
 * reach the client only as a plain SERVER_ERROR.
 */
export function toAppError(error: unknown, log: Logger): AppError {
  if (isAppError(error)) return error;
  log.error({ err: error }, 'unexpected failure');
  return new AppError('SERVER_ERROR', 'the orchestrator could not complete this request');
}
