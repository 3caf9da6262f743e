import { bareAlert, fullAlert, hostileAlert, XSS_IMG } from './alert-fixtures.spec-helper.js';
import { alertSlack, escapeSlack } from './alert-slack.js';

const withUrl = (detailUrl: string) => {
  const base = fullAlert();
  return fullAlert({ error: { ...base.error!, detailUrl } });
};

describe('alertSlack', () => {
  it('puts the subject in bold first, then the message, fields, actions and link', () => {
    expect(alertSlack(fullAlert()).text.split('\n')).toEqual([
      '*[CRITICAL] DatabaseError in orders: connection pool exhausted — recovered by pool_increase*',
      '> connection pool exhausted',
      '>   at Pool.acquire',
      '*Error id:* e0000000-0000-4000-8000-000000000042',
      '*Type:* DatabaseError',
      '*Severity:* CRITICAL',
      '*Service:* orders',
      '*Environment:* production',
      '*Route:* POST /orders/:id',
      '*Time:* 2024-05-01T14:02:09.000Z',
      '*Occurrences in the last 5 minutes:* 4',
      '*Recovery:* recovered by pool_increase',
      '• retry: failed — still failing after 3 tries',
      '• circuit_breaker: skipped',
      '• pool_increase: success — pool 10 → 20',
      '*Breaker:* orders-db',
      '<https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042|details>',
    ]);
  });

  it('escapes & < > in all data, so no mention or link can be forged', () => {
    const base = hostileAlert();
    const text = alertSlack({ ...base, error: { ...base.error!, message: '<!channel> <https://evil.test|click> & co' } }).text;
    const dataOnly = text.replace(/\n<https:\/\/ops\.example\.com\/[^\n]*\|details>$/, '').replace(/^> /gm, '');
    expect(dataOnly).not.toMatch(/[<>]/);
    expect(text).toContain('> &lt;!channel&gt; &lt;https://evil.test|click&gt; &amp; co');
    expect(text).toContain(`*Route:* POST /x/${escapeSlack(XSS_IMG)}`);
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'nope'])('does not link %j', (url) => {
    expect(alertSlack(withUrl(url)).text).not.toContain('|details>');
  });

  it('keeps a | or & in the URL from breaking the link', () => {
    expect(alertSlack(withUrl('https://ops.example.com/e?a=1&b=x|y')).text).toContain('<https://ops.example.com/e?a=1&amp;b=x%7Cy|details>');
  });

  it('renders a bare alert', () => {
    expect(alertSlack(bareAlert()).text).toBe(
      '*[HIGH] Circuit breaker orders-db opened*\n*Severity:* HIGH\n*Service:* orders\n*Environment:* staging\n*Time:* 2024-05-01T09:05:00.000Z',
    );
  });
});
