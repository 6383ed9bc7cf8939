import type { ClientEventName } from '../../contract/index.js';

/**
 * What a client event's schema is given: the bare payload, or the data of the
 * `{event, data}` envelope (clients may send either). `state:request` may come empty.
 */
export function clientPayloadOf(event: ClientEventName, payload: unknown): unknown {
  if (payload === undefined || payload === null) return event === 'state:request' ? {} : payload;
  if (typeof payload === 'object' && !Array.isArray(payload)) {
    const record = payload as Record<string, unknown>;
    if (record.event === event && Object.hasOwn(record, 'data')) return record.data ?? (event === 'state:request' ? {} : undefined);
  }
  return payload;
}
