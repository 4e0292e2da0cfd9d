import { useMemo, useState } from 'preact/hooks';
import type { Board, LiveRoute, LiveStop, ShipmentRow } from './api';
import { hhmm, mins, windowText } from './format';

export interface Row {
  shipmentId: string;
  stopId?: string;
  label: string;
  customer: string;
  status: string;
  carrierOrRoute: string;
  promise: string;
  eta: string;
  exceptions: string[];
}

/** The distinguishing tail of a tracking number (the full one is in the stop panel and the search). */
const shortRef = (ref: string) => (ref.length > 10 ? `…${ref.slice(-8)}` : ref);

/** One row per shipment of the day: own-fleet ones from the board's stops, the rest from GET /v1/shipments. */
export function rowsOf(board: Board | undefined, shipments: ShipmentRow[]): Row[] {
  const rows = new Map<string, Row>();
  const stopRow = (r: LiveRoute, s: LiveStop): Row => {
    const exceptions: string[] = [];
    if (s.status === 'failed') exceptions.push(`failed: ${s.failureCode ?? s.failureReason ?? ''}`.trim());
    if (s.lateByS > 0 && (s.status === 'dispatched' || s.status === 'planned')) exceptions.push(`late ${mins(s.lateByS)}`);
    if (r.gpsStale && s.status === 'dispatched') exceptions.push('GPS stale');
    if (r.status === 'broken_down' && s.status !== 'delivered' && s.status !== 'failed') exceptions.push('vehicle broke down');
    return {
      shipmentId: s.shipmentId,
      stopId: s.id,
      label: shortRef(s.trackingNumber ?? s.shipmentId),
      customer: s.customer ?? '',
      status: s.status,
      carrierOrRoute: `${r.vehicleCode} #${s.seq}`,
      promise: windowText(s.windowStartS, s.windowEndS),
      eta:
        s.status === 'delivered' || s.status === 'failed'
          ? s.completedAt
            ? new Date(s.completedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false })
            : '–'
          : hhmm(s.etaS ?? s.plannedEtaS),
      exceptions,
    };
  };
  for (const r of board?.routes ?? [])
    for (const s of r.stops) {
      // A broken vehicle's stop that moved is shown on its new route.
      if (r.status === 'broken_down' && rows.has(s.shipmentId)) continue;
      rows.set(s.shipmentId, stopRow(r, s));
    }
  for (const id of board?.unassignedShipmentIds ?? [])
    if (!rows.has(id))
      rows.set(id, {
        shipmentId: id,
        label: id.slice(0, 8),
        customer: '',
        status: 'unassigned',
        carrierOrRoute: '–',
        promise: '–',
        eta: '–',
        exceptions: ['unassigned'],
      });
  for (const sh of shipments) {
    const own = rows.get(sh.id);
    if (own) {
      if (sh.lateRisk && !own.exceptions.includes('late risk')) own.exceptions.push('late risk');
      continue;
    }
    rows.set(sh.id, {
      shipmentId: sh.id,
      label: shortRef(sh.trackingNumber ?? sh.id),
      customer: String(sh.shipTo?.name ?? ''),
      status: sh.status,
      carrierOrRoute: sh.carrierCode ?? '–',
      promise: sh.promiseDate ?? '–',
      eta: sh.estimatedDelivery ?? '–',
      exceptions: sh.lateRisk ? ['late risk'] : [],
    });
  }
  return [...rows.values()];
}

export function ShipmentsTable(props: { rows: Row[]; selectedStopId?: string; onSelect: (row: Row) => void }) {
  const [status, setStatus] = useState('all');
  const [query, setQuery] = useState('');
  const [onlyExceptions, setOnlyExceptions] = useState(false);
  const statuses = useMemo(() => [...new Set(props.rows.map((r) => r.status))].sort(), [props.rows]);
  const q = query.trim().toLowerCase();
  const shown = props.rows.filter(
    (r) =>
      (status === 'all' || r.status === status) &&
      (!onlyExceptions || r.exceptions.length > 0) &&
      (!q || `${r.label} ${r.shipmentId} ${r.customer} ${r.carrierOrRoute} ${r.exceptions.join(' ')}`.toLowerCase().includes(q)),
  );
  return (
    <section class="shipments">
      <div class="filters">
        <input
          type="search"
          placeholder="Search shipment, customer, route…"
          aria-label="Search shipments"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
        <select aria-label="Filter by status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          <option value="all">All statuses</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" checked={onlyExceptions} onChange={(e) => setOnlyExceptions((e.target as HTMLInputElement).checked)} />{' '}
          Exceptions
        </label>
        <span class="count">
          {shown.length} / {props.rows.length}
        </span>
      </div>
      <div class="table-scroll">
        <table data-testid="shipments-table">
          <thead>
            <tr>
              <th>Shipment</th>
              <th>Customer</th>
              <th>Status</th>
              <th>Route</th>
              <th>Promise</th>
              <th>ETA</th>
              <th>Exceptions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={r.shipmentId}
                data-shipment={r.shipmentId}
                data-stop={r.stopId}
                class={`${r.stopId && r.stopId === props.selectedStopId ? 'selected' : ''} ${r.exceptions.length ? 'has-exception' : ''}`}
                onClick={() => props.onSelect(r)}
              >
                <td class="mono">{r.label}</td>
                <td>{r.customer}</td>
                <td>
                  <span class={`pill st-${r.status}`} data-testid="row-status">
                    {r.status}
                  </span>
                </td>
                <td>{r.carrierOrRoute}</td>
                <td>{r.promise}</td>
                <td class="mono">{r.eta}</td>
                <td class="exceptions">{r.exceptions.join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
