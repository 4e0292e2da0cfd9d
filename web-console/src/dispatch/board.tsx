import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { listWarehouses, type Session, type Warehouse } from '../session';
import { api, dayShipments, type Board, type ShipmentRow } from './api';
import { AtRiskPanel } from './at-risk-panel';
import { hhmm } from './format';
import { connectFeed, type FeedEvent } from './live-feed';
import { MapView } from './map-view';
import { RoutesPanel } from './routes-panel';
import { rowsOf, ShipmentsTable } from './shipments-table';
import { StopPanel } from './stop-panel';
import './dispatch.css';

const today = () => new Date().toISOString().slice(0, 10);
// Events after which the board re-reads its state (positions are applied in place instead).
const REFRESH_ON = /^(stop\.|route\.|route_plan\.(solved|failed|cancelled)|shipment\.)/;

/** The dispatcher's live board (desktop): shipments table, map, vehicles, at-risk queue, stop details. */
export function DispatchBoard(props: { session: Session; onSession: (s: Session | undefined) => void; nav: (hash: string) => void }) {
  const { session } = props;
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [warehouses, setWarehouses] = useState<Warehouse[]>([]);
  const [warehouseId, setWarehouseId] = useState('');
  const [date, setDate] = useState(today());
  const [board, setBoard] = useState<Board>();
  const [shipments, setShipments] = useState<ShipmentRow[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState('');

  useEffect(() => {
    listWarehouses(session)
      .then((ws) => {
        setWarehouses(ws);
        setWarehouseId((cur) => cur || ws[0]?.id || '');
      })
      .catch(() => props.onSession(undefined));
  }, []);

  const load = useCallback(async () => {
    if (!warehouseId) return;
    try {
      const b = await api<Board>(sessionRef.current, 'GET', `/v1/dispatch/board?warehouseId=${warehouseId}&deliveryDate=${date}`);
      setBoard(b);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
    dayShipments(sessionRef.current, warehouseId, date)
      .then(setShipments)
      .catch(() => setShipments([]));
  }, [warehouseId, date]);

  // Coalesce bursts of events into one re-read.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const reload = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(load, 250);
  }, [load]);

  const onEvent = useCallback(
    (e: FeedEvent) => {
      if (e.type === 'vehicle.position_reported') {
        const p = e.payload;
        setBoard(
          (b) =>
            b && {
              ...b,
              routes: b.routes.map((r) =>
                r.vehicleId === p.vehicleId && r.status !== 'broken_down'
                  ? {
                      ...r,
                      gpsStale: false,
                      position: { lat: p.lat, lng: p.lng, speedMps: p.speedMps, headingDeg: p.headingDeg, recordedAt: p.recordedAt },
                    }
                  : r,
              ),
            },
        );
      } else if (REFRESH_ON.test(e.type)) reload();
    },
    [reload],
  );

  const socket = useRef<Socket>(undefined);
  useEffect(() => {
    if (!warehouseId) return;
    void load();
    const s = (socket.current = connectFeed({
      token: () => sessionRef.current.accessToken,
      rooms: [`warehouse:${warehouseId}`],
      onEvent: (e) => onEventRef.current(e),
      onConnected: reload,
      onState: setState,
    }));
    // Live ETAs move with the clock too.
    const tick = setInterval(load, 30_000);
    return () => {
      clearInterval(tick);
      s.close();
    };
  }, [warehouseId, date]);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  useEffect(() => {
    socket.current?.emit('reauth', { token: session.accessToken });
  }, [session.accessToken]);

  const rows = useMemo(() => rowsOf(board, shipments), [board, shipments]);
  const sel = useMemo(() => {
    for (const r of board?.routes ?? []) {
      const s = r.stops.find((x) => x.id === selected);
      if (s) return { route: r, stop: s };
    }
    return undefined;
  }, [board, selected]);

  return (
    <main class="dispatch">
      <header class="dispatch-head">
        <strong>Dispatch</strong>
        <nav>
          <a href="#/dispatch" class="active">
            Board
          </a>
          <a href="#/dispatch/metrics">Metrics</a>
        </nav>
        <select aria-label="Warehouse" value={warehouseId} onChange={(e) => setWarehouseId((e.target as HTMLSelectElement).value)}>
          {warehouses.map((w) => (
            <option key={w.id} value={w.id}>
              {w.code} · {w.name}
            </option>
          ))}
        </select>
        <input type="date" aria-label="Delivery date" value={date} onChange={(e) => setDate((e.target as HTMLInputElement).value)} />
        <span class="muted">
          {board?.planId ? `plan ${board.planStatus}` : 'no plan for this day'} · now {hhmm(board?.nowS)}
        </span>
        <span class={`conn conn-${state}`} data-testid="board-connection">
          {state === 'live' ? 'Live' : state === 'offline' ? 'Offline — reconnecting' : 'Connecting…'}
        </span>
        <button type="button" onClick={() => props.onSession(undefined)}>
          Sign out
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="dispatch-grid">
        <ShipmentsTable rows={rows} selectedStopId={selected} onSelect={(r) => r.stopId && setSelected(r.stopId)} />
        <div class="map-col">
          <MapView routes={board?.routes ?? []} selectedStopId={selected} onSelectStop={setSelected} />
          {board && sel && (
            <StopPanel
              session={session}
              board={board}
              route={sel.route}
              stop={sel.stop}
              onChanged={load}
              onClose={() => setSelected(undefined)}
            />
          )}
        </div>
        <div class="side-col">
          {board && <RoutesPanel session={session} board={board} onChanged={load} />}
          {board && <AtRiskPanel session={session} board={board} onChanged={load} onSelect={setSelected} />}
        </div>
      </div>
    </main>
  );
}
