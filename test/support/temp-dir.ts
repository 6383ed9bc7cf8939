import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A new folder under the system's temp folder; the caller removes it. */
export function tempDir(prefix = 'orchestrator-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh temp folder for each test of the file that calls this, removed after the test: a
 * fake host root, a data folder. Read `path` inside a test or a hook, not at import.
 */
export function tempDirPerTest(prefix: string): { readonly path: string } {
  let current: string | undefined;
  beforeEach(() => {
    current = tempDir(prefix);
  });
  afterEach(() => {
    if (current !== undefined) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get path(): string {
      if (current === undefined) throw new Error('the temp folder exists only while a test runs');
      return current;
    },
  };
}
