import { cut, escapeHtml, multiLine, oneLine } from './escape.js';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["it's & more", 'it&#39;s &amp; more'],
    ['&amp;', '&amp;amp;'],
    ['plain', 'plain'],
  ])('%j → %j', (input, expected) => expect(escapeHtml(input)).toBe(expected));
});

describe('oneLine', () => {
  it.each([
    ['CRLF', 'boom\r\nBcc: evil@x.test', 'boom Bcc: evil@x.test'],
    ['lone CR and LF', 'a\rb\nc', 'a b c'],
    ['tabs and runs of spaces', ' a \t\t b   c ', 'a b c'],
    ['C0 controls', 'a\u0000b\u001bc\u007f', 'a b c'],
    ['C1 controls (NEL)', 'a\u0085b\u009bc', 'a b c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
    ['vertical tab and form feed', 'a\u000bb\u000cc', 'a b c'],
  ])('collapses %s', (_name, input, expected) => expect(oneLine(input)).toBe(expected));

  it('cuts to max characters with …', () => {
    expect(oneLine('x'.repeat(300))).toBe(`${'x'.repeat(199)}…`);
    expect(oneLine('abcdef', 4)).toBe('abc…');
    expect(oneLine('abcd', 4)).toBe('abcd');
  });

  it('never leaves half a surrogate pair', () => {
    expect(oneLine('ab😀cd', 4)).toBe('ab…');
    expect(oneLine('ab😀cd', 5)).toBe('ab😀…');
  });
});

describe('cut', () => {
  it('keeps short strings and handles a zero budget', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('abc', 0)).toBe('');
  });
});

describe('multiLine', () => {
  it('keeps LF, normalises CRLF and CR, blanks other controls, caps the length', () => {
    expect(multiLine('a\r\nb\rc\nd\u0000e\u2028f  \n')).toBe('a\nb\nc\nd e f');
    expect(multiLine('y'.repeat(2500))).toHaveLength(2000);
    expect(multiLine('y'.repeat(2500)).endsWith('…')).toBe(true);
  });
});
