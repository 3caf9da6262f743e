import { jsonBytes, storedPayload } from './dead-letter-payload.js';

const LIMITS = { maxDepth: 10, maxStringLength: 1000, maxKeys: 100, maxArrayLength: 100, maxNodes: 10_000 };

describe('storedPayload', () => {
  it('scrubs secrets by the error rows rules: sensitive keys at any depth, card numbers in text', () => {
    const stored = storedPayload({ id: 7, password: 'pw', nested: { apiKey: 'k', note: 'card 4111 1111 1111 1111' }, list: [{ token: 't' }] }, [], LIMITS);
    expect(stored).toEqual({ id: 7, password: '[Filtered]', nested: { apiKey: '[Filtered]', note: 'card [Filtered card]' }, list: [{ token: '[Filtered]' }] });
  });

  it('keeps the declared fields as they were, by dotted path, and only those', () => {
    const stored = storedPayload({ card_token: 'tok_1', customer: { session_id: 's1', password: 'pw' }, token: 't' }, ['card_token', 'customer.session_id', 'missing.path'], LIMITS);
    expect(stored).toEqual({ card_token: 'tok_1', customer: { session_id: 's1', password: '[Filtered]' }, token: '[Filtered]' });
  });

  it('keeps a declared field under a parent whose name looks secret, and only that field of it', () => {
    const stored = storedPayload({ auth: { user_id: 'u1', token: 't' }, session: { id: 's1', cookie: 'c' } }, ['auth.user_id', 'session.id'], LIMITS);
    expect(stored).toEqual({ auth: { user_id: 'u1' }, session: { id: 's1' } });
  });

  it('does not change the caller’s object', () => {
    const payload = { password: 'pw' };
    storedPayload(payload, [], LIMITS);
    expect(payload).toEqual({ password: 'pw' });
  });

  it('measures UTF-8 bytes, not characters', () => {
    expect(jsonBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(jsonBytes('€')).toBe(5);
  });
});
