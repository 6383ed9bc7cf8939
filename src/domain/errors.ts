import { AppError } from '../contract/index.js';

/** A token id the show does not have: INVALID_DATA naming the field, the same everywhere. */
export class UnknownTokenError extends AppError {
  constructor(readonly tokenId: string) {
    super('INVALID_DATA', 'unknown token', { details: [{ field: 'tokenId', message: 'unknown token' }] });
    this.name = 'UnknownTokenError';
  }
}
