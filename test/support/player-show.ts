import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenEntry, TokensFile } from '../../src/contract/index.js';
import { FIXTURE_TOKENS } from './fixtures.js';

/** The token of the player show that has a picture and a sound. */
export const PICTURE_TOKEN = 'memory01';

export interface PlayerShow {
  /** The tokens file: the fixture tokens, PICTURE_TOKEN and the test's own. */
  tokensFile: string;
  /** PICTURE_TOKEN's picture (a 64×48 PNG) and sound (3 s of WAV), in the media folder. */
  image: string;
  audio: string;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A show for the player scanner: the test show's tokens plus PICTURE_TOKEN, whose picture and
 * sound ffmpeg makes in `mediaDir`; `extra` tokens (a test's own) are added as given.
 */
export function writePlayerShow(mediaDir: string, tokensDir: string, extra: Record<string, Partial<TokenEntry>> = {}): PlayerShow {
  const image = join(mediaDir, 'memory01.png');
  const audio = join(mediaDir, 'memory01.wav');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '1', image]);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:duration=3', '-ac', '1', '-ar', '8000', audio]);
  const plain = { SF_ValueRating: 1, SF_MemoryType: 'Personal', SF_Group: '', image: null, audio: null, video: null, processingImage: null };
  const tokens: TokensFile = {
    ...(JSON.parse(readFileSync(FIXTURE_TOKENS, 'utf8')) as TokensFile),
    [PICTURE_TOKEN]: { ...plain, SF_RFID: PICTURE_TOKEN, image: 'memory01.png', audio: 'memory01.wav' },
    ...Object.fromEntries(Object.entries(extra).map(([id, entry]) => [id, { ...plain, SF_RFID: id, ...entry }])),
  };
  const tokensFile = join(tokensDir, 'player-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens, null, 2));
  return { tokensFile, image, audio };
}
