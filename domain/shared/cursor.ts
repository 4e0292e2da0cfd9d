import { z } from 'zod';
import { BadRequest } from './errors.js';

/**
 * The one cursor pagination helper for every list (issue 10): an opaque keyset cursor, base64url of a JSON array
 * holding the last row's sort key. Each list declares the shape of its key once (`keyset(['time', 'uuid'])`); a
 * decoded cursor is validated against it with zod, so a tampered, foreign or truncated cursor is a 400
 * problem+json naming `querystring.cursor` — never a database cast error, a 404 or a 500.
 *
 * Routes take `cursorParam` in their querystring and answer `{ items, nextCursor }` (`nextCursor` null on the last page).
 */
export const cursorParam = z.string().max(512).optional();

const part = {
  /** A timestamp as text (microsecond precision kept: a millisecond-truncated one would skip or repeat rows). */
  time: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp'),
  text: z.string().max(1000),
  uuid: z.uuid(),
  /** A bigint id as text (as PostgreSQL returns it). */
  bigint: z.string().regex(/^\d{1,19}$/),
  int: z.number().int(),
  num: z.number(),
} as const;
export type KeyPart = keyof typeof part;
type KeyOf<S extends readonly KeyPart[]> = { [I in keyof S]: z.infer<(typeof part)[S[I]]> };

export class InvalidCursor extends BadRequest {
  constructor() {
    super('cursor is not valid for this list', [{ path: 'querystring.cursor', message: 'invalid cursor' }], 'invalid-cursor');
  }
}

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export interface Keyset<S extends readonly KeyPart[]> {
  /** The last row's key, or null without a cursor; a malformed cursor throws `InvalidCursor` (400). */
  after(cursor: string | null | undefined): KeyOf<S> | null;
  encode(key: KeyOf<S>): string;
  /** Cuts a `limit + 1` fetch into a page and the cursor of the next one. */
  page<T>(rows: T[], limit: number, key: (row: T) => KeyOf<S>): { items: T[]; nextCursor: string | null };
}

export function keyset<const S extends readonly KeyPart[]>(shape: S): Keyset<S> {
  const schema = z.tuple(shape.map((p) => part[p]) as unknown as [z.ZodType, ...z.ZodType[]]);
  return {
    after(cursor) {
      if (!cursor) return null;
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursor();
      }
      const r = schema.safeParse(raw);
      if (!r.success) throw new InvalidCursor();
      return r.data as KeyOf<S>;
    },
    encode: (key) => encodeCursor(key),
    page(rows, limit, key) {
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
    },
  };
}
