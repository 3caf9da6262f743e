import { fullAlert, hostileAlert, XSS_IMG, XSS_SCRIPT } from './alert-fixtures.spec-helper.js';
import { alertTelegram, MAX_TELEGRAM_LENGTH } from './alert-telegram.js';
import { escapeHtml } from './escape.js';

const ALLOWED = new Set(['b', 'i', 'code', 'a']);

/** Every tag is an allowed one, opened and closed in order; every `&` starts a known entity. */
function expectWellFormed(text: string): void {
  const stack: string[] = [];
  for (const [, closing, name] of text.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    expect(ALLOWED).toContain(name);
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(text.replace(/<\/?(b|i|code|a)( href="[^"<>]*")?>/g, '')).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
}

describe('alertTelegram', () => {
  it('renders subject, message, fields, actions and link with Telegram tags', () => {
    const text = alertTelegram(fullAlert());
    expect(text.split('\n').slice(0, 3)).toEqual([
      '<b>[CRITICAL] DatabaseError in orders: connection pool exhausted — recovered by pool_increase</b>',
      '<code>connection pool exhausted',
      '  at Pool.acquire</code>',
    ]);
    expect(text).toContain('\n<b>Route:</b> POST /orders/:id\n');
    expect(text).toContain('\n• <code>retry</code>: failed — still failing after 3 tries\n');
    expect(text).toContain('\n<i>Breaker:</i> orders-db\n');
    expect(text).toContain('\n<a href="https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042">details</a>');
    expectWellFormed(text);
  });

  it('escapes the XSS payloads everywhere', () => {
    const text = alertTelegram(hostileAlert());
    expect(text).not.toContain(XSS_SCRIPT);
    expect(text).not.toContain(XSS_IMG);
    expect(text).toContain(`<b>[CRITICAL] ${escapeHtml(XSS_SCRIPT)} in ${escapeHtml(XSS_IMG)}</b>`);
    expectWellFormed(text);
  });

  it('does not link a javascript: URL', () => {
    const base = fullAlert();
    const text = alertTelegram(fullAlert({ error: { ...base.error!, detailUrl: 'javascript:alert(1)' } }));
    expect(text).not.toContain('<a ');
    expect(text).not.toContain('javascript:');
  });

  it(`stays within ${MAX_TELEGRAM_LENGTH} characters, cut between lines and never inside an entity`, () => {
    const base = fullAlert();
    const facts = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`fact ${i}`, '"&<>'.repeat(20)]));
    const text = alertTelegram(fullAlert({ facts, error: { ...base.error!, message: '"'.repeat(5000) } }));
    expect(text.length).toBeLessThanOrEqual(MAX_TELEGRAM_LENGTH);
    expect(text.endsWith('\n…')).toBe(true);
    expect(text).toContain('<b>Service:</b> orders');
    expectWellFormed(text);
  });
});
