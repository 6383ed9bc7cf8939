import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { tempDirPerTest } from './temp-dir.js';

/** A test's temp folder with a SQLite file in it, and the connections the test opened on it. */
export interface StoreFolder {
  readonly dir: string;
  /** The SQLite file: `name` in `dir`. */
  readonly file: string;
  /** A real store on `file` (default: the folder's file). */
  open(file?: string): SqliteStore;
  /** A plain better-sqlite3 connection, to look at what the store wrote or to write what it would refuse. */
  raw(file?: string): Database.Database;
  /** Closes every connection at once: what a process exit does. */
  closeAll(): void;
}

/**
 * A fresh folder for each test of the file that calls this: whatever the test opened is
 * closed after it, then the folder is removed.
 */
export function storeFolderPerTest(prefix: string, name = 'orchestrator.db'): StoreFolder {
  const dir = tempDirPerTest(prefix);
  const handles: { close(): void }[] = [];
  const track = <T extends { close(): void }>(handle: T): T => {
    handles.push(handle);
    return handle;
  };
  const folder: StoreFolder = {
    get dir() {
      return dir.path;
    },
    get file() {
      return join(dir.path, name);
    },
    open: (file = folder.file) => track(new SqliteStore(file)),
    raw: (file = folder.file) => track(new Database(file)),
    closeAll() {
      for (const handle of handles.splice(0)) handle.close();
    },
  };
  // Registered after the folder's own clean-up, so it runs before it: closed, then removed.
  afterEach(() => folder.closeAll());
  return folder;
}
