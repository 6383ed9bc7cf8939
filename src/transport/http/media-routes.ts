import type express from 'express';
import { AppError, MediaKind, parseOrThrow, type PlayerToken, type ShowToken } from '../../contract/index.js';
import { UnknownTokenError } from '../../domain/errors.js';
import { TokenCatalog } from '../../domain/token-catalog.js';
import type { MediaLibrary } from '../../ports/media-library.js';

export interface MediaRouteDeps {
  /** The show's tokens, with the media file names the tokens file gives them. */
  tokens: () => readonly ShowToken[];
  media: MediaLibrary;
  /** The player scanners' rate limit. */
  limit: express.RequestHandler;
}

/** Where a player scanner fetches a token's picture or sound. */
export const mediaUrl = (tokenId: string, kind: MediaKind) => `/api/tokens/${encodeURIComponent(tokenId)}/media/${kind}`;

/**
 * What player scanners show of a token: `/api/player/tokens/:id` (no points: players do not
 * see the economy) and `/api/tokens/:id/media/:kind`, which serves only the one file the
 * tokens file names for that token, resolved inside MEDIA_DIR by the media library.
 */
export function addMediaRoutes(router: express.Express, deps: MediaRouteDeps): void {
  const tokenOf = (id: string): ShowToken => {
    const key = TokenCatalog.keyOf(id);
    const token = deps.tokens().find((candidate) => TokenCatalog.keyOf(candidate.id) === key);
    if (!token) throw new UnknownTokenError(id);
    return token;
  };

  router.get('/api/player/tokens/:id', deps.limit, (req, res) => {
    const token = tokenOf(String(req.params.id));
    const body: PlayerToken = {
      id: token.id,
      ...(token.image === undefined ? {} : { image: mediaUrl(token.id, 'image') }),
      ...(token.audio === undefined ? {} : { audio: mediaUrl(token.id, 'audio') }),
      video: token.video !== undefined,
    };
    res.json(body);
  });

  router.get('/api/tokens/:id/media/:kind', (req, res, next) => {
    const kind = parseOrThrow(MediaKind, req.params.kind, 'media kind');
    const token = tokenOf(String(req.params.id));
    const name = token[kind];
    if (name === undefined) throw new AppError('NOT_FOUND', `token ${token.id} has no ${kind}`);
    // The library has checked the path (no `..`, no symlink out), so a dot folder on the way
    // to MEDIA_DIR is allowed.
    res.sendFile(deps.media.resolve(name), { dotfiles: 'allow' }, (error?: Error & { status?: number }) => {
      if (!error || res.headersSent) return;
      next(error.status === 404 ? new AppError('NOT_FOUND', `the ${kind} of token ${token.id} is missing from the media folder`) : error);
    });
  });
}
