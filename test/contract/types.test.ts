import { describe, expectTypeOf, it } from 'vitest';
import type {
  AckResponse,
  ClientPayload,
  Envelope,
  ErrorPayload,
  GameState,
  GmIdentify,
  ServerEventData,
  ServerEventName,
  SessionExport,
  SessionStatus,
  Transaction,
} from '../../src/contract/index.js';

/** The types inferred from the schemas say what the hand-written ones used to (checked by `tsc`). */
describe('types inferred from the contract', () => {
  it('Envelope<E> is {event, data, timestamp}, also for a generic event', () => {
    expectTypeOf<Envelope<'error'>>().toEqualTypeOf<{ event: 'error'; data: ErrorPayload; timestamp: string }>();
    expectTypeOf<Envelope<'state:update'>['data']>().toEqualTypeOf<GameState>();
    expectTypeOf<Envelope>().toEqualTypeOf<{ event: ServerEventName; data: ServerEventData<ServerEventName>; timestamp: string }>();
    const wrap = <E extends ServerEventName>(event: E, data: ServerEventData<E>): Envelope<E> => ({ event, data, timestamp: '' });
    expectTypeOf(wrap('transaction:new', {} as Transaction).data).toEqualTypeOf<Transaction>();
  });

  it('AckResponse<T> is {ok: true, data: T} or {ok: false, error}', () => {
    expectTypeOf<AckResponse<Transaction>>().toEqualTypeOf<{ ok: true; data: Transaction } | { ok: false; error: ErrorPayload }>();
    expectTypeOf<AckResponse>().toEqualTypeOf<{ ok: true; data: unknown } | { ok: false; error: ErrorPayload }>();
  });

  it('a client event is its payload or {event, data}', () => {
    expectTypeOf<ClientPayload<'gm:identify'>>().toEqualTypeOf<GmIdentify | { event: 'gm:identify'; data: GmIdentify }>();
  });

  it('SessionExport is what the domain archives', () => {
    expectTypeOf<SessionExport['session']['status']>().toEqualTypeOf<SessionStatus>();
  });
});
