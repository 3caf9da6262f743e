import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isStorableText } from '../persistence/storable-text.js';

/** Deeper than any admin input legitimately is (the query parser stops at 5, bodies are flat). */
const MAX_DEPTH = 8;

/** Where a value came from, for a message that names no part of the value itself. */
const PLACE: Readonly<Record<string, string>> = { query: 'A query parameter', param: 'A path parameter', body: 'The request body' };

/** What is wrong with `value`, or undefined when PostgreSQL can take all of it. */
function problem(value: unknown, depth: number): 'unstorable' | 'too_deep' | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : 'unstorable';
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return 'too_deep';
  for (const [key, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof key === 'string' && !isStorableText(key)) return 'unstorable';
    const found = problem(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses admin input PostgreSQL cannot take (NUL, unpaired UTF-16 surrogates) in any value or key
 * of the query, the path or the body, with a 400 before anything reaches the database. Without it
 * `?service=%00` made the filter's query fail: a 500, stored as a critical DatabaseError of the
 * module and alerted. The message names where, never what: the value is hostile by definition.
 */
@Injectable()
export class StorableInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const found = problem(value, 0);
    if (!found) return value;
    const place = Object.hasOwn(PLACE, metadata.type) ? PLACE[metadata.type] : 'An input';
    throw new BadRequestException(
      found === 'too_deep'
        ? `${place} is nested more than ${MAX_DEPTH} levels deep.`
        : `${place} contains characters that cannot be stored (NUL or an unpaired UTF-16 surrogate).`,
    );
  }
}
