import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../src/contract/index.js';
import { UnknownTokenError } from '../../../src/domain/errors.js';
import { HttpError, httpReplyOf } from '../../../src/transport/http/http-errors.js';

describe('httpReplyOf: contract errors as HTTP replies', () => {
  it('gives every contract code a client or server error status', () => {
    for (const code of ErrorCode.options) {
      const { status, body } = httpReplyOf(new AppError(code, 'm'));
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(body, code).toMatchObject({ code, message: 'm' });
    }
    expect(httpReplyOf(new AppError('AUTH_REQUIRED', 'm')).status).toBe(401);
    expect(httpReplyOf(new AppError('FORBIDDEN', 'm')).status).toBe(403);
    expect(httpReplyOf(new AppError('TEAM_LIMIT', 'm')).status).toBe(409);
    expect(httpReplyOf(new AppError('RATE_LIMITED', 'm')).status).toBe(429);
  });

  it('answers an unknown token 404 with the field named, and a refused scan with status "rejected"', () => {
    expect(httpReplyOf(new UnknownTokenError('nope'))).toEqual({
      status: 404,
      body: { code: 'INVALID_DATA', message: 'unknown token', details: [{ field: 'tokenId', message: 'unknown token' }] },
    });
    expect(httpReplyOf(new AppError('VIDEO_BUSY', 'busy'))).toEqual({ status: 409, body: { code: 'VIDEO_BUSY', message: 'busy', status: 'rejected' } });
  });

  it('keeps the status of a failure only HTTP has', () => {
    expect(httpReplyOf(new HttpError(413, 'INVALID_DATA', 'too large'))).toEqual({ status: 413, body: { code: 'INVALID_DATA', message: 'too large' } });
  });
});
