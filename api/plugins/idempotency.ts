import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteOptions, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { idempotencyContext } from '../../platform/idempotency-context.js';
import { sendProblem } from '../problem.js';
import type { IdempotencyKeyRow } from '../../platform/entities/idempotency-key.entity.js';

export interface IdempotencyOptions {
  /** Missing key → 400 (integrations); handheld commands take it optionally so old clients keep working. */
  required?: boolean;
  /** How long a key is remembered (default 24 h). */
  ttlS?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Opt a mutating route into Idempotency-Key handling (see `idempotent()` below): `'optional'`, `'required'`,
     * or options. Attached by `attachIdempotency` (an onRoute hook in app.ts), so a route needs nothing else.
     */
    idempotency?: 'optional' | 'required' | IdempotencyOptions;
  }
}

/**
 * Idempotency-Key support any mutating route can opt into:
 *   app.post('/things', { ...idempotent({ required: true }), schema, config }, handler)
 * Semantics (IETF draft-ietf-httpapi-idempotency-key-header-06 §2.7; Stripe's documented behaviour):
 * - missing key on a route that requires it → 400;
 * - same key + same request fingerprint → the stored status and body replayed, with `Idempotent-Replayed: true`;
 * - same key + different fingerprint → 422; the key is scoped to the caller (a key never replays to someone else);
 * - a concurrent duplicate waits briefly for the first to finish and replays it, else 409 (still in flight);
 * - 5xx responses are not stored (the client may retry); keys are kept ≥ 24 h (pruned by the orders reconciler).
 * The key row is claimed before the handler runs (insert … on conflict do nothing), so concurrent duplicates
 * produce one effect. `withTx` marks the key `applied_at` inside the command's own transaction (the handler runs
 * in `idempotencyContext`), so after a crash between commit and response the retry is not applied again: it gets
 * a stored 409 `idempotency-outcome-lost` telling the client to re-read. A crash before the commit leaves a lock
 * that expires after LOCK_S; the retry then runs the handler afresh.
 *
 * Reuse on a new route: `config: { roles, idempotency: 'optional' }` (or `'required'`, or `{ required, ttlS }`).
 */
const LOCK_S = 30;
const WAIT_MS = 3000;

interface IdemState {
  scope: string;
  key: string;
}
const STATE = Symbol('idempotency');
type WithState = FastifyRequest & { [STATE]?: IdemState };

/** Canonical JSON (sorted keys) so semantically equal bodies fingerprint the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url}\n${canonicalJson(req.params)}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
}

function scopeOf(req: FastifyRequest): string {
  const a = req.actor;
  return `${a ? `${a.kind}:${a.id}` : `anon:${req.ip}`}|${req.method} ${req.routeOptions.url}`;
}

/** A stored key with the lock/expiry/applied facts computed against the database clock. */
type KeyRow = Pick<IdempotencyKeyRow, 'request_hash' | 'status_code' | 'response_body'> & {
  response_headers: Record<string, string> | null;
  locked: boolean;
  expired: boolean;
  applied: boolean;
};

/** Route-level hooks implementing Idempotency-Key for one route. */
export function idempotent(opts: IdempotencyOptions = {}): {
  preHandler: preHandlerAsyncHookHandler;
  onSend: onSendHookHandler;
} {
  const ttlS = opts.ttlS ?? 86_400;
  const preHandler: preHandlerAsyncHookHandler = async function (req: FastifyRequest, reply: FastifyReply) {
    const raw = req.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key) {
      if (opts.required)
        return sendProblem(reply, req, {
          type: 'idempotency-key-missing',
          title: 'Idempotency-Key required',
          status: 400,
          detail: 'This operation requires an Idempotency-Key header (e.g. a UUID) so retries are safe',
          errors: [{ path: 'headers.idempotency-key', message: 'required' }],
        });
      return;
    }
    if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key))
      return sendProblem(reply, req, {
        type: 'idempotency-key-invalid',
        title: 'Bad request',
        status: 400,
        detail: 'Idempotency-Key must be 1–255 visible ASCII characters',
        errors: [{ path: 'headers.idempotency-key', message: 'invalid' }],
      });
    const em = req.server.orm.em.fork();
    const scope = scopeOf(req);
    const hash = fingerprint(req);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const claimed = await sqlOne(
        em,
        `insert into idempotency_key (scope, key, request_hash, locked_until) values (?, ?, ?, now() + make_interval(secs => ?))
        on conflict (scope, key) do nothing returning key`,
        [scope, key, hash, LOCK_S],
      );
      if (claimed) {
        (req as WithState)[STATE] = { scope, key };
        return;
      }
      const row = await sqlOne<KeyRow>(
        em,
        `select request_hash, status_code, response_body, response_headers, coalesce(locked_until > now(), false) as locked,
          created_at < now() - make_interval(secs => ?) as expired, applied_at is not null as applied from idempotency_key where scope = ? and key = ?`,
        [ttlS, scope, key],
      );
      if (!row) continue;
      if (row.expired) {
        await sql(em, 'delete from idempotency_key where scope = ? and key = ? and created_at < now() - make_interval(secs => ?)', [
          scope,
          key,
          ttlS,
        ]);
        continue;
      }
      if (row.request_hash !== hash)
        return sendProblem(reply, req, {
          type: 'idempotency-key-reused',
          title: 'Unprocessable content',
          status: 422,
          detail: 'This Idempotency-Key was already used with a different request; use a new key for a new request',
          errors: [],
        });
      if (row.status_code !== null) {
        const headers = row.response_headers ?? {};
        reply.code(row.status_code).header('idempotent-replayed', 'true');
        if (headers['content-type']) reply.header('content-type', headers['content-type']);
        return reply.send(typeof row.response_body === 'string' ? row.response_body : JSON.stringify(row.response_body));
      }
      if (!row.locked && row.applied) {
        // The first request committed its effect and died before answering: never apply it twice.
        const problem = {
          type: 'idempotency-outcome-lost',
          title: 'Conflict',
          status: 409,
          detail: 'This request was already applied but its response was lost; re-read the resource to see the outcome',
          errors: [],
        };
        await sql(
          em,
          `update idempotency_key set status_code = 409, response_body = ?::jsonb, response_headers = ?::jsonb where scope = ? and key = ? and status_code is null`,
          [
            JSON.stringify(JSON.stringify({ ...problem, instance: req.url })),
            JSON.stringify({ 'content-type': 'application/problem+json' }),
            scope,
            key,
          ],
        );
        continue;
      }
      if (!row.locked) {
        // The first request died without an answer and without an effect: take the key over and run the handler again.
        const took = await sqlOne(
          em,
          `update idempotency_key set locked_until = now() + make_interval(secs => ?) where scope = ? and key = ? and status_code is null and applied_at is null and (locked_until is null or locked_until <= now()) returning key`,
          [LOCK_S, scope, key],
        );
        if (took) {
          (req as WithState)[STATE] = { scope, key };
          return;
        }
        continue;
      }
      if (Date.now() > deadline)
        return sendProblem(reply, req, {
          type: 'idempotency-key-in-use',
          title: 'Conflict',
          status: 409,
          detail: 'A request with this Idempotency-Key is still being processed; retry shortly',
          errors: [],
        });
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 25));
    }
  };
  const onSend: onSendHookHandler = async function (req, reply, payload) {
    const st = (req as WithState)[STATE];
    if (!st || reply.getHeader('idempotent-replayed')) return payload;
    (req as WithState)[STATE] = undefined;
    const em = req.server.orm.em.fork();
    if (reply.statusCode >= 500) {
      // Retryable unless the effect committed (then the stored answer must stand, whatever failed after it).
      await sql(em, 'delete from idempotency_key where scope = ? and key = ? and applied_at is null', [st.scope, st.key]);
      await sql(em, 'update idempotency_key set locked_until = null where scope = ? and key = ?', [st.scope, st.key]);
      return payload;
    }
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload ?? null);
    // Stored as a JSON string scalar so the replay is byte-identical (jsonb would reorder an object's keys).
    const json = JSON.stringify(body);
    await sql(
      em,
      `update idempotency_key set status_code = ?, response_body = ?::jsonb, response_headers = ?::jsonb, locked_until = null where scope = ? and key = ?`,
      [
        reply.statusCode,
        json,
        JSON.stringify({ 'content-type': String(reply.getHeader('content-type') ?? 'application/json') }),
        st.scope,
        st.key,
      ],
    );
    return payload;
  };
  (preHandler as unknown as { [STATE]: true })[STATE] = true;
  return { preHandler, onSend };
}

/** Runs the route handler inside the request's idempotency scope, so `withTx` can mark the key in the command's transaction. */
function scoped(handler: RouteOptions['handler']): RouteOptions['handler'] {
  return function (this: unknown, req: FastifyRequest, reply: FastifyReply) {
    const st = (req as WithState)[STATE];
    if (!st) return handler.call(this as never, req, reply);
    return idempotencyContext.run({ scope: st.scope, key: st.key, marked: false }, () => handler.call(this as never, req, reply));
  } as RouteOptions['handler'];
}

const asArray = <T>(h: T | T[] | undefined): T[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);

/** onRoute hook: routes whose config names `idempotency` get the hooks; spread `idempotent()` routes get the scoped handler. */
export function attachIdempotency(route: RouteOptions): void {
  const cfg = (route.config as { idempotency?: 'optional' | 'required' | IdempotencyOptions } | undefined)?.idempotency;
  const preHandlers = asArray(route.preHandler);
  const already = preHandlers.some((h) => (h as { [STATE]?: true })[STATE]);
  if (!cfg && !already) return;
  if (cfg && !already) {
    const hooks = idempotent(cfg === 'optional' ? {} : cfg === 'required' ? { required: true } : cfg);
    route.preHandler = [...preHandlers, hooks.preHandler];
    route.onSend = [...asArray(route.onSend), hooks.onSend];
  }
  route.handler = scoped(route.handler);
}
