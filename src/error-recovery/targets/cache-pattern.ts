/**
 * A glob-style key pattern as a RegExp: `*` is any run of characters (`:` included, as in
 * `products:*`), `?` one character, everything else literal.
 */
export function globToRegExp(pattern: string): RegExp {
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

/** True for `*` (and `**`…): clear the whole cache rather than key by key. */
export const matchesEverything = (pattern: string): boolean => /^\*+$/.test(pattern);
