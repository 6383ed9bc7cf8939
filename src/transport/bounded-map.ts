/**
 * A map of at most `maxKeys` entries, for what clients can make the server remember per key
 * (an address): setting a new key when full forgets the oldest one set.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxKeys: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.maxKeys) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
