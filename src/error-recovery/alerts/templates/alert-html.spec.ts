import { fullAlert, hostileAlert, XSS_IMG, XSS_SCRIPT } from './alert-fixtures.spec-helper.js';
import { alertHtml } from './alert-html.js';
import { escapeHtml } from './escape.js';

/** The tags the template itself writes; anything else would have come from data. */
const OWN_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'h2', 'pre', 'table', 'tr', 'th', 'td', 'p', 'b', 'ul', 'li', 'code', 'span', 'a']);

const tagsOf = (html: string) => [...html.matchAll(/<\/?([!a-z0-9]+)/gi)].map((m) => m[1].toLowerCase());
const withUrl = (detailUrl: string) => {
  const base = fullAlert();
  return fullAlert({ error: { ...base.error!, detailUrl } });
};

describe('alertHtml', () => {
  it('renders the fields, the actions and the link of a full alert', () => {
    const html = alertHtml(fullAlert());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<th style="padding:4px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top;color:#555;font-weight:600;white-space:nowrap">Route</th>');
    expect(html).toContain('>POST /orders/:id</td>');
    expect(html).toContain('<b>Recovery:</b> recovered by pool_increase');
    expect(html).toContain('<li><code>retry</code>: <span style="color:#b71c1c">failed</span> — still failing after 3 tries</li>');
    expect(html).toContain('<a href="https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042" style="color:#1565c0">View error details</a>');
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
  });

  it('escapes the XSS payloads in title, message, type, route, facts and actions', () => {
    const html = alertHtml(hostileAlert());
    for (const tag of tagsOf(html)) expect(OWN_TAGS).toContain(tag);
    expect(html).not.toContain(XSS_SCRIPT);
    expect(html).not.toContain(XSS_IMG);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(XSS_SCRIPT));
    expect(html).toContain(`/x/${escapeHtml(XSS_IMG)}`);
    expect(html).toContain(`<code>${escapeHtml(XSS_IMG)}</code>`);
  });

  it.each(['javascript:alert(1)', 'JaVaScRiPt:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', '//evil.test/x', 'not a url'])(
    'shows %j as text, not as a link',
    (url) => {
      const html = alertHtml(withUrl(url));
      expect(html).not.toContain('<a ');
      expect(html).toContain(`<p>Details: ${escapeHtml(url)}</p>`);
    },
  );

  it('escapes an http URL inside href (quotes the URL parser leaves alone, ampersands)', () => {
    const html = alertHtml(withUrl(`https://ops.example.com/it's'onmouseover='x?q=1&x="y"`));
    expect(html).toContain(`<a href="https://ops.example.com/it&#39;s&#39;onmouseover=&#39;x?q=1&amp;x=%22y%22"`);
  });
});
