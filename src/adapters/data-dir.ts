import { chmodSync, mkdirSync } from 'node:fs';

/**
 * Creates DATA_DIR readable by its owner only (0700): it holds the game log, the admin
 * password hash and the token key. An existing folder is tightened too; where that is not
 * allowed (a folder owned by someone else) the reason is returned for the log.
 */
export function prepareDataDir(dir: string): { tightened: true } | { tightened: false; reason: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
    return { tightened: true };
  } catch (error) {
    return { tightened: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
