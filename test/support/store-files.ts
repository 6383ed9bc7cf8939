import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';

/** Real SQLite stores on one file; closing them all at once is what a process exit does. */
export class StoreFiles {
  private readonly stores: SqliteStore[] = [];

  constructor(readonly file: string) {}

  open(): SqliteStore {
    const store = new SqliteStore(this.file);
    this.stores.push(store);
    return store;
  }

  closeAll(): void {
    for (const store of this.stores.splice(0)) store.close();
  }
}
