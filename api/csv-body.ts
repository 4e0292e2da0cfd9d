import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/shared/errors.js';

/** Largest CSV upload read (bytes); past it the import fails with 413 while streaming, nothing more is read. */
export const CSV_MAX_BYTES = 20 * 1024 * 1024;

/**
 * The request body of a CSV import route as a byte stream, capped at `maxBytes`. A body that is not a stream (JSON
 * or none: the route's text/csv parser did not run) is a 415, not a TypeError deep inside the import.
 */
export function csvBody(req: FastifyRequest, maxBytes = CSV_MAX_BYTES): AsyncIterable<Buffer> {
  const body = req.body as { [Symbol.asyncIterator]?: unknown } | undefined;
  if (!body || typeof body[Symbol.asyncIterator] !== 'function')
    throw new DomainError('unsupported-media-type', 415, 'Unsupported media type', 'Send the CSV as text/csv');
  return capped(body as AsyncIterable<Buffer>, maxBytes);
}

async function* capped(body: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > maxBytes)
      throw new DomainError('payload-too-large', 413, 'Payload too large', `The CSV is larger than ${maxBytes} bytes; split it`);
    yield c;
  }
}
