import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ScoringFile, TokensFile } from '../contract/index.js';
import { scoringRulesFrom, type ScoringRules } from '../domain/scoring.js';
import { TokenCatalog } from '../domain/token-catalog.js';
import type { MediaLibrary } from '../ports/media-library.js';

export class ShowFileError extends Error {
  override name = 'ShowFileError';
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ShowFileError(`${what} ${file}: ${(error as Error).message}`);
  }
}

/** Names the offending place: `token "id": field` in a tokens file, the key path otherwise. */
function describeIssue(error: z.ZodError, what: 'tokens file' | 'scoring file', file: string): ShowFileError {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const [id, ...field] = path;
  const where =
    what === 'tokens file' && field.length > 0 ? `token ${JSON.stringify(id)}: ${field.join('.')}` : path.join('.') || '(root)';
  return new ShowFileError(`${what} ${file}: ${where}: ${issue?.message ?? 'invalid'}`);
}

export function loadScoringRules(file: string | undefined): ScoringRules {
  if (file === undefined) return scoringRulesFrom(undefined);
  const result = ScoringFile.safeParse(readJson(file, 'scoring file'));
  if (!result.success) throw describeIssue(result.error, 'scoring file', file);
  return scoringRulesFrom(result.data);
}

/** Loads and checks the tokens file; names the offending token and field when it is wrong. */
export function loadTokenCatalog(file: string, rules: ScoringRules): TokenCatalog {
  const result = TokensFile.safeParse(readJson(file, 'tokens file'));
  if (!result.success) throw describeIssue(result.error, 'tokens file', file);
  try {
    return new TokenCatalog(result.data, rules);
  } catch (error) {
    throw new ShowFileError(`tokens file ${file}: ${(error as Error).message}`);
  }
}

/**
 * Checks every video a token names: one outside the media folder (a symlink leading out
 * included) stops the start; missing files are returned to be reported.
 */
export function checkVideos(catalog: TokenCatalog, media: MediaLibrary): { missing: string[] } {
  const missing: string[] = [];
  for (const token of catalog.list()) {
    if (token.video === undefined) continue;
    let path: string;
    try {
      path = media.resolve(token.video);
    } catch (error) {
      throw new ShowFileError(`token ${JSON.stringify(token.id)}: video: ${(error as Error).message}`);
    }
    if (!existsSync(path)) missing.push(token.video);
  }
  return { missing };
}
