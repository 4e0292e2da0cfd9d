import { BadRequest } from '../shared/errors.js';

/** Opaque keyset cursor: base64url of a JSON array of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a tampered or foreign cursor is a 400. */
export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    // fall through
  }
  throw new BadRequest('cursor is not valid for this list', [{ path: 'querystring.cursor', message: 'invalid cursor' }], 'invalid-cursor');
}

/** Cuts a limit+1 fetch into a page and the next cursor. */
export function page<T>(rows: T[], limit: number, key: (row: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
}
