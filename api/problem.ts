import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, type FieldError } from '../domain/shared/errors.js';

export const PROBLEM_BASE = 'https://dockside.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors: FieldError[];
  [k: string]: unknown;
}

export function sendProblem(
  reply: FastifyReply,
  req: FastifyRequest,
  p: { type: string; title: string; status: number; detail: string; errors: FieldError[]; [k: string]: unknown },
): FastifyReply {
  const body = { ...p, type: PROBLEM_BASE + p.type, instance: req.url, requestId: req.id };
  return reply.status(p.status).type('application/problem+json').send(body);
}

/** Maps every error to RFC 9457 problem+json. Never leaks a stack trace or an internal message. */
export function problemErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) {
    if (typeof error.extra.retryAfterS === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(error.extra.retryAfterS))));
    return sendProblem(reply, req, {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      errors: error.errors,
      ...error.extra,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      path: [where, ...(v.instancePath ?? '').split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
      code: (v.params as { issue?: { code?: string } })?.issue?.code ?? v.keyword,
    }));
    return sendProblem(reply, req, {
      type: 'validation-error',
      title: 'Validation failed',
      status: 400,
      detail: `Request ${where} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    });
  }
  if (isResponseSerializationError(error)) {
    req.log.error({ err: error }, 'response did not match its schema');
    return sendProblem(reply, req, {
      type: 'internal',
      title: 'Internal error',
      status: 500,
      detail: 'The server could not build a valid response',
      errors: [],
    });
  }
  const db = databaseProblem(error);
  if (db) {
    req.log.warn({ err: error }, 'request refused by a database constraint');
    return sendProblem(reply, req, { ...db, title: titleFor(db.status), errors: [] });
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    req.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, req, {
      type: 'internal',
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged',
      errors: [],
    });
  }
  // Fastify's own 4xx: malformed JSON, body too large, unsupported media type, rate limit.
  const type =
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      ? 'malformed-json'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'body-too-large'
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported-media-type'
          : status === 429
            ? 'rate-limited'
            : 'bad-request';
  return sendProblem(reply, req, { type, title: titleFor(status), status, detail: error.message, errors: [] });
}

/**
 * Input the schemas let through but PostgreSQL refuses (a number past int4, a NUL byte, a dangling reference) is the
 * caller's fault: answered 4xx by SQLSTATE class rather than 500. A statement_timeout is a 503.
 */
export function databaseProblem(error: unknown): { type: string; status: number; detail: string } | undefined {
  const e = error as { sqlState?: string; code?: unknown; severity?: unknown };
  const state = e.sqlState ?? (e.severity && typeof e.code === 'string' ? e.code : undefined);
  if (typeof state !== 'string' || state.length !== 5) return undefined;
  if (state === '57014') return { type: 'timeout', status: 503, detail: 'The request took too long and was cancelled' };
  if (state.startsWith('22')) return { type: 'invalid-value', status: 400, detail: 'A value is out of range or malformed' };
  if (state === '23503') return { type: 'reference-not-found', status: 422, detail: 'A referenced object does not exist' };
  if (state === '23505') return { type: 'conflict', status: 409, detail: 'An object with this key already exists' };
  if (state === '23514' || state === '23502') return { type: 'validation-error', status: 422, detail: 'A value breaks a rule of the data' };
  if (state === '54001') return { type: 'too-complex', status: 400, detail: 'The request is too complex' };
  return undefined;
}

/** Fastify's router errors (malformed URL encoding, over-long path parameter) as problem+json. */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  return sendProblem(reply, req, {
    type: status === 414 ? 'uri-too-long' : 'bad-request',
    title: titleFor(status),
    status,
    detail: error.message,
    errors: [],
  });
}

/** Errors Node's HTTP parser raises before Fastify sees a request (header block too large, garbage): problem+json. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex) {
  if (!socket.writable) return socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    type: PROBLEM_BASE + (status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request'),
    title: titleFor(status),
    status,
    detail: status === 431 ? 'Request headers (or the URL) are too large' : 'The request could not be parsed',
    errors: [],
  });
  socket.end(
    `HTTP/1.1 ${status} ${titleFor(status)}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function titleFor(status: number): string {
  return (
    {
      400: 'Bad request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not found',
      408: 'Request timeout',
      409: 'Conflict',
      413: 'Payload too large',
      414: 'URI too long',
      422: 'Unprocessable content',
      431: 'Request header fields too large',
      503: 'Service unavailable',
      415: 'Unsupported media type',
      429: 'Too many requests',
    }[status] ?? 'Error'
  );
}

/** OpenAPI description of a problem body, for route response schemas. */
export { problemSchema } from './problem.schema.js';
