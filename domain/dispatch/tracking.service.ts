import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { sqlOne } from '../shared/sql.js';
import { loadLiveRoutes } from './live-state.js';
import type { TrackingLinkRow } from './entities/tracking-link.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
export type GetTrackingRow = Pick<TrackingLinkRow, 'shipment_id'> &
  Pick<ShipmentRow, 'status' | 'tracking_number' | 'window_start_s' | 'window_end_s'>;

/**
 * What a customer's tracking link shows, without sign-in: status, delivery window, live ETA and how
 * many stops come before theirs. The token is the only key; nothing else of the day is revealed.
 */
export async function getTracking(em: EntityManager, token: string, now: Date) {
  const t = await sqlOne<GetTrackingRow>(
    em,
    `select t.shipment_id, sh.status, sh.tracking_number, sh.window_start_s, sh.window_end_s from tracking_link t join shipment sh on sh.id = t.shipment_id where t.token = ?`,
    [token],
  );
  if (!t) throw new NotFound('Tracking link');
  const stop = await sqlOne<Pick<RouteStopRow, 'id' | 'route_id' | 'status' | 'completed_at' | 'failure_code'>>(
    em,
    `select s.id, s.route_id, s.status, s.completed_at, s.failure_code from route_stop s join route r on r.id = s.route_id
    where s.shipment_id = ? and r.status <> 'broken_down' order by s.completed_at desc nulls first limit 1`,
    [t.shipment_id],
  );
  let etaAt: string | null = null;
  let stopsBefore: number | null = null;
  if (stop && (stop.status === 'dispatched' || stop.status === 'planned')) {
    const [st] = await loadLiveRoutes(em, 'r.id = ?', [stop.route_id], now);
    const i = st?.remaining.findIndex((s) => s.id === stop.id) ?? -1;
    if (st && i >= 0) {
      etaAt = new Date(now.getTime() + (st.etas[i]!.etaS - st.nowS) * 1000).toISOString();
      stopsBefore = i;
    }
  }
  return {
    status: (stop?.status === 'delivered' || stop?.status === 'failed' ? stop.status : t.status) as string,
    trackingNumber: t.tracking_number,
    windowStartS: t.window_start_s == null ? null : Number(t.window_start_s),
    windowEndS: t.window_end_s == null ? null : Number(t.window_end_s),
    etaAt,
    stopsBefore,
    completedAt: stop?.completed_at ? new Date(stop.completed_at).toISOString() : null,
    failureCode: stop?.failure_code ?? null,
  };
}
