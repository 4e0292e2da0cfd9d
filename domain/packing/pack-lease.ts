import type { EntityManager } from '@mikro-orm/postgresql';
import { logOrder } from '../orders/order-log.js';
import { Conflict } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { AppUserRow } from '../identity/entities/app-user.entity.js';
import type { PackSessionRow } from './entities/pack-session.entity.js';

/**
 * How long a pack session stays a packer's own after their last scan. Long enough for a slow multi-carton order,
 * short enough that a session walked away from at break time is free again for the next packer.
 */
export const PACK_LEASE_S = 15 * 60;

export interface LeasedSession {
  id: string;
  order_id: string;
  station_code: string;
  packer_id: string | null;
  lease_expires_at: Date | string | null;
}

const live = (s: LeasedSession, now: Date) => !!s.packer_id && !!s.lease_expires_at && new Date(s.lease_expires_at) > now;

/**
 * The session's lease for this actor: the holder (or anyone, once it ran out or was never held) gets it and it is
 * extended; a supervisor may take it over at any time. Anyone else is told who has it and until when (409).
 * The session row must be locked by the caller.
 */
export async function holdSession(em: EntityManager, actor: Actor, s: LeasedSession, stationCode?: string): Promise<void> {
  const now = new Date();
  const me = actor.kind === 'user' ? actor.id : null;
  if (live(s, now) && s.packer_id !== me && !actor.roles.includes('supervisor')) {
    const holder = await sqlOne<Pick<AppUserRow, 'display_name'>>(em, 'select display_name from app_user where id = ?', [s.packer_id]);
    throw new Conflict(
      `${holder?.display_name ?? 'Another packer'} is packing this order at ${s.station_code} (held until ${new Date(s.lease_expires_at!).toISOString()})`,
      'pack-session-held',
      { holder: holder?.display_name ?? null, stationCode: s.station_code, leaseExpiresAt: new Date(s.lease_expires_at!).toISOString() },
    );
  }
  if (s.packer_id && s.packer_id !== me)
    await logOrder(em, s.order_id, {
      category: 'fulfilment',
      action: 'pack_taken_over',
      message: `Pack session taken over at ${stationCode ?? s.station_code}${live(s, now) ? ' by a supervisor' : ' after its lease ran out'}`,
    });
  await sql(
    em,
    `update pack_session set packer_id = ?, station_code = ?, lease_expires_at = now() + make_interval(secs => ?) where id = ?`,
    [me, stationCode ?? s.station_code, PACK_LEASE_S, s.id],
  );
  s.packer_id = me;
  if (stationCode) s.station_code = stationCode;
}

/** Sessions whose packer went quiet past the lease lose their holder, so the next packer to scan a tote takes them. */
export async function releaseExpiredPackLeases(em: EntityManager): Promise<string[]> {
  const rows = await sql<Pick<PackSessionRow, 'id' | 'order_id' | 'station_code'>>(
    em,
    `update pack_session set packer_id = null
    where status in ('verifying', 'verified') and packer_id is not null and lease_expires_at < now() returning id, order_id, station_code`,
  );
  for (const r of rows)
    await logOrder(em, r.order_id, {
      category: 'fulfilment',
      action: 'pack_lease_expired',
      message: `Pack session at ${r.station_code} left idle past its lease: free for any packer`,
    });
  return rows.map((r) => r.id);
}
