/** A list kept in the browser's storage under one key, read whole and written whole; unreadable as empty. */
export class StoredList<T> {
  constructor(
    private readonly key: string,
    private readonly storage: Storage = localStorage,
  ) {}

  read(): T[] {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as T[]) : [];
    } catch {
      return [];
    }
  }

  write(list: readonly T[]): void {
    this.storage.setItem(this.key, JSON.stringify(list));
  }
}
