import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ScreenProps } from '../shell/areas';
import { api, dayShipments, type ShipmentRow } from './api';
import { hhmm } from './format';
import './dispatch.css';

interface Vehicle {
  id: string;
  code: string;
  name: string;
  fuel: string;
  active: boolean;
  capacityWeightG: number;
}
interface Driver {
  id: string;
  name: string;
  vehicleId: string | null;
}
interface PlanRoute {
  id: string;
  vehicleId: string;
  vehicleCode: string;
  driverId: string | null;
  status: 'planned' | 'dispatched' | 'completed' | 'broken_down';
  startS: number;
  endS: number;
  distanceM: number;
  loadWeightG: number;
  stops: { id: string }[];
}
interface Plan {
  id: string;
  status: string;
  deliveryDate: string;
  unassignedShipmentIds: string[];
  routes: PlanRoute[];
}

const today = () => new Date().toISOString().slice(0, 10);
/** Shipping hands a parcel to the own fleet by choosing the `own-fleet` carrier; these are the ones still waiting for a van. */
const WAITING = new Set(['created', 'packed', 'labelled', 'planned']);

/**
 * Plan the day (desktop): the own-fleet shipments shipping handed over, the vehicles to use, the
 * solver's routes; then each route gets its driver and is dispatched.
 */
export default function PlanDay({ warehouseId }: ScreenProps) {
  const [date, setDate] = useState(today());
  const [shipments, setShipments] = useState<ShipmentRow[]>([]);
  const [vehicles, setVehicles] = useState<Vehicle[]>([]);
  const [drivers, setDrivers] = useState<Driver[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [plan, setPlan] = useState<Plan>();
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');

  // The date shown now: a slow answer for a date the dispatcher has left must not overwrite the new date's plan.
  const shownDate = useRef(date);
  shownDate.current = date;
  const readPlan = useCallback(async () => {
    if (!warehouseId) return;
    const list = await api<{ items: { id: string }[] }>('GET', `/v1/route-plans?warehouseId=${warehouseId}&deliveryDate=${date}&limit=1`);
    const found = list.items[0] ? await api<Plan>('GET', `/v1/route-plans/${list.items[0].id}`) : undefined;
    if (shownDate.current === date) setPlan(found);
  }, [warehouseId, date]);

  const load = useCallback(async () => {
    if (!warehouseId) return;
    setError('');
    try {
      const [v, d] = await Promise.all([
        api<{ items: Vehicle[] }>('GET', `/v1/vehicles?warehouseId=${warehouseId}&limit=200`),
        api<{ items: Driver[] }>('GET', `/v1/drivers?warehouseId=${warehouseId}`),
      ]);
      setVehicles(v.items.filter((x) => x.active));
      setDrivers(d.items);
      // By default the vans that have a driver take part.
      setChosen((c) => (c.size ? c : new Set(d.items.flatMap((x) => (x.vehicleId ? [x.vehicleId] : [])))));
      const day = (await dayShipments(warehouseId, date)).filter((s) => s.carrierCode === 'own-fleet');
      if (shownDate.current === date) setShipments(day);
      await readPlan();
    } catch (e) {
      setError((e as Error).message);
    }
  }, [warehouseId, date, readPlan]);

  useEffect(() => void load(), [load]);

  // While the solver works, the plan is re-read every second.
  const solving = plan?.status === 'queued' || plan?.status === 'solving';
  useEffect(() => {
    if (!solving) return;
    const t = setInterval(() => void readPlan().catch(() => undefined), 1000);
    return () => clearInterval(t);
  }, [solving, readPlan]);

  const act = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError('');
    try {
      await fn();
      await readPlan();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  };
  const planDay = () =>
    act('plan', () => api('POST', '/v1/route-plans', { warehouseId, deliveryDate: date, vehicleIds: [...chosen], timeLimitS: 5 }));
  const assign = (routeId: string, driverId: string) =>
    act(`assign-${routeId}`, () => api('POST', `/v1/routes/${routeId}/assign`, { driverId: driverId || null }));
  const dispatch = (routeId: string) => act(`dispatch-${routeId}`, () => api('POST', `/v1/routes/${routeId}/dispatch`));
  const dispatchAll = () =>
    act('dispatch-all', async () => {
      for (const r of plan?.routes ?? [])
        if (r.status === 'planned' && r.stops.length && r.driverId) await api('POST', `/v1/routes/${r.id}/dispatch`);
    });

  const waiting = shipments.filter((s) => WAITING.has(s.status));
  const routes = (plan?.routes ?? []).filter((r) => r.stops.length > 0);
  const driverName = (id: string | null) => drivers.find((d) => d.id === id)?.name;
  const ready = routes.filter((r) => r.status === 'planned' && r.driverId).length;

  return (
    <main class="dispatch plan-day" data-testid="plan-day">
      <header class="dispatch-head">
        <strong>Dispatch</strong>
        <nav>
          <a href="#/dispatch">Board</a>
          <a href="#/dispatch/plan" class="active">
            Plan the day
          </a>
          <a href="#/dispatch/metrics">Metrics</a>
        </nav>
        <input type="date" aria-label="Delivery date" value={date} onChange={(e) => setDate((e.target as HTMLInputElement).value)} />
        <span class="muted">{plan ? `plan ${plan.status}` : 'no plan for this day yet'}</span>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="plan-grid">
        <section class="panel" data-testid="plan-inputs">
          <h3>Handed over by shipping</h3>
          <p data-testid="waiting-count">
            <strong>{waiting.length}</strong> own-fleet shipments for {date}
            {plan && plan.unassignedShipmentIds.length > 0 && <span class="muted"> · {plan.unassignedShipmentIds.length} left out</span>}
          </p>
          <h3>Vehicles</h3>
          <ul class="vehicle-pick">
            {vehicles.map((v) => {
              const d = drivers.find((x) => x.vehicleId === v.id);
              return (
                <li key={v.id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={chosen.has(v.id)}
                      onChange={(e) => {
                        const on = (e.target as HTMLInputElement).checked;
                        setChosen((c) => {
                          const n = new Set(c);
                          if (on) n.add(v.id);
                          else n.delete(v.id);
                          return n;
                        });
                      }}
                    />
                    <strong>{v.code}</strong> <span class="muted">{v.name}</span> <span class={`pill fuel-${v.fuel}`}>{v.fuel}</span>{' '}
                    <span class="muted">{d ? d.name : 'no driver'}</span>
                  </label>
                </li>
              );
            })}
          </ul>
          <button type="button" disabled={!!busy || solving || !chosen.size || !waiting.length} onClick={planDay}>
            {solving ? 'Planning…' : plan ? 'Plan again' : 'Plan routes'}
          </button>
        </section>
        <section class="panel" data-testid="plan-routes">
          <h3>
            Routes{' '}
            {solving && (
              <span class="pill st-planned" data-testid="plan-solving">
                solving…
              </span>
            )}
          </h3>
          {!routes.length && <p class="muted">{solving ? 'The solver is working…' : 'No routes yet: choose vehicles and plan.'}</p>}
          {routes.length > 0 && (
            <table class="plan-routes">
              <thead>
                <tr>
                  <th>Vehicle</th>
                  <th>Stops</th>
                  <th>Leaves – back</th>
                  <th>Distance</th>
                  <th>Driver</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {routes.map((r) => (
                  <tr key={r.id} data-route={r.id} data-vehicle={r.vehicleCode}>
                    <td>
                      <strong>{r.vehicleCode}</strong>
                    </td>
                    <td>{r.stops.length}</td>
                    <td>
                      {hhmm(r.startS)} – {hhmm(r.endS)}
                    </td>
                    <td>{(r.distanceM / 1000).toFixed(1)} km</td>
                    <td>
                      {r.status === 'planned' ? (
                        <select
                          aria-label={`Driver of ${r.vehicleCode}`}
                          value={r.driverId ?? ''}
                          disabled={!!busy}
                          onChange={(e) => void assign(r.id, (e.target as HTMLSelectElement).value)}
                        >
                          <option value="">— no driver —</option>
                          {drivers.map((d) => (
                            <option key={d.id} value={d.id}>
                              {d.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        (driverName(r.driverId) ?? '—')
                      )}
                    </td>
                    <td>
                      <span class={`pill st-${r.status}`}>{r.status.replace('_', ' ')}</span>
                    </td>
                    <td>
                      {r.status === 'planned' && (
                        <button type="button" class="small" disabled={!!busy || solving || !r.driverId} onClick={() => void dispatch(r.id)}>
                          Dispatch
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {ready > 0 && (
            <button type="button" disabled={!!busy || solving} onClick={dispatchAll}>
              Dispatch {ready} route{ready > 1 ? 's' : ''} with a driver
            </button>
          )}
        </section>
      </div>
    </main>
  );
}
