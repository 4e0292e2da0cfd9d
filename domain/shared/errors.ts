/**
 * Typed domain errors. The API's one error handler maps each to application/problem+json
 * (RFC 9457) using `type` (a stable slug) and `status`.
 */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

export class DomainError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id?: string) {
    super('not-found', 404, 'Not found', id ? `${what} ${id} was not found` : `${what} was not found`);
  }
}
export class Conflict extends DomainError {
  constructor(detail: string, type = 'conflict', extra: Record<string, unknown> = {}) {
    super(type, 409, 'Conflict', detail, [], extra);
  }
}
export class Unauthorized extends DomainError {
  constructor(detail = 'Authentication required') {
    super('unauthorized', 401, 'Unauthorized', detail);
  }
}
export class Forbidden extends DomainError {
  constructor(detail = 'Your role does not allow this') {
    super('forbidden', 403, 'Forbidden', detail);
  }
}
export class ValidationFailed extends DomainError {
  constructor(detail: string, errors: FieldError[] = [], type = 'validation-error') {
    super(type, 422, 'Unprocessable content', detail, errors);
  }
}
export class InsufficientStock extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super('insufficient-stock', 409, 'Insufficient stock', detail, [], extra);
  }
}
export class BadRequest extends DomainError {
  constructor(detail: string, errors: FieldError[] = [], type = 'bad-request') {
    super(type, 400, 'Bad request', detail, errors);
  }
}
export class TooManyRequests extends DomainError {
  /** `retryAfterS` becomes the Retry-After header. */
  constructor(detail: string, retryAfterS: number, type = 'rate-limited') {
    super(type, 429, 'Too many requests', detail, [], { retryAfterS });
  }
}
export class ServiceBusy extends DomainError {
  constructor(detail: string, retryAfterS = 1) {
    super('busy', 503, 'Service busy', detail, [], { retryAfterS });
  }
}
