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

function titleFor(status: number): string {
  return (
    {
      400: 'Bad request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not found',
      413: 'Payload too large',
      415: 'Unsupported media type',
      429: 'Too many requests',
    }[status] ?? 'Error'
  );
}

/** OpenAPI description of a problem body, for route response schemas. */
export { problemSchema } from './problem.schema.js';
