import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import { scoreCarriers, type CarrierScorecard, type ParcelHistory } from './scorecard.js';
import { localParts } from './transit.js';
import type { ShipmentRow } from './entities/shipment.entity.js';
/** A delivered parcel with its carrier (the query keeps only parcels that have one). */
export type CarrierScorecardsRow = Pick<ShipmentRow, 'quoted_cost_minor' | 'quoted_currency'> & {
  carrier_code: string;
  target_day: string | null;
  timezone: string;
  events: { status: string; detail: string; at: string }[];
};

/**
 * The carrier scorecards of a warehouse over parcels that left in [from, to) (labelled, or shipped for own-fleet
 * cartons that carry no label), from their tracking history: carrier tracking events, and for the own fleet the
 * drivers' stop outcomes (delivered / failed with its reason).
 */
export async function carrierScorecards(
  em: EntityManager,
  q: { warehouseId: string; from: Date; to: Date },
): Promise<{ from: string; to: string; carriers: CarrierScorecard[] }> {
  const rows = await sql<CarrierScorecardsRow>(
    em,
    `with s as (
      select s.id, s.carrier_code, coalesce(to_char(s.promise_date, 'YYYY-MM-DD'), s.selection->>'estimatedDelivery') as target_day,
        s.quoted_cost_minor, s.quoted_currency
      from shipment s where s.warehouse_id = ? and s.carrier_code is not null
        and coalesce(s.labelled_at, s.shipped_at) >= ? and coalesce(s.labelled_at, s.shipped_at) < ?
    ), ev as (
      select e.shipment_id, e.status, e.detail, e.occurred_at as at from tracking_event e join s on s.id = e.shipment_id
      union all
      select r.shipment_id, case when r.status = 'delivered' then 'delivered' else 'failure' end, coalesce(r.failure_reason, ''), r.completed_at
      from route_stop r join s on s.id = r.shipment_id where r.status in ('delivered', 'failed') and r.completed_at is not null
    )
    select s.carrier_code, s.target_day, s.quoted_cost_minor, s.quoted_currency, w.timezone,
      coalesce(json_agg(json_build_object('status', ev.status, 'detail', ev.detail, 'at', ev.at) order by ev.at)
        filter (where ev.shipment_id is not null), '[]'::json) as events
    from s join warehouse w on w.id = ? left join ev on ev.shipment_id = s.id
    group by s.id, s.carrier_code, s.target_day, s.quoted_cost_minor, s.quoted_currency, w.timezone`,
    [q.warehouseId, q.from.toISOString(), q.to.toISOString(), q.warehouseId],
  );
  const history: ParcelHistory[] = rows.map((r) => {
    const events = (r.events ?? []).map((e) => ({ status: e.status, detail: e.detail ?? '', at: new Date(e.at).toISOString() }));
    const delivered = events.find((e) => e.status === 'delivered');
    return {
      carrier: r.carrier_code,
      targetDay: r.target_day,
      deliveredDay: delivered ? localParts(new Date(delivered.at), r.timezone || 'UTC').date : null,
      events,
      quotedCostMinor: r.quoted_cost_minor,
      currency: r.quoted_currency ? r.quoted_currency.trim() : null,
    };
  });
  return { from: q.from.toISOString(), to: q.to.toISOString(), carriers: scoreCarriers(history) };
}
