import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { onLiveEvent, onTelemetry, type LiveEvent, type TelemetryMessage } from '../live';
import type { ScreenProps } from '../shell/areas';
import { api, dayShipments, type Board, type Position, type ShipmentRow } from './api';
import { AtRiskPanel } from './at-risk-panel';
import { hhmm } from './format';
import { MapView } from './map-view';
import { RoutesPanel } from './routes-panel';
import { rowsOf, ShipmentsTable } from './shipments-table';
import { StopPanel } from './stop-panel';
import './dispatch.css';

const today = () => new Date().toISOString().slice(0, 10);
// Events after which the board re-reads its state (positions are applied in place instead).
const REFRESH_ON = /^(stop\.|route\.|route_plan\.(solved|failed|cancelled)|shipment\.)/;

const newer = (a: Position | null | undefined, b: Position | null | undefined) =>
  !b ? a : !a ? b : Date.parse(b.recordedAt) > Date.parse(a.recordedAt) ? b : a;

/**
 * Positions arrive as telemetry, possibly out of order (two API processes) and before the board's
 * own read stores them: each vehicle keeps the newest fix by `recordedAt`, from either source.
 */
function withPositions(b: Board, latest: Map<string, Position>): Board {
  return {
    ...b,
    routes: b.routes.map((r) => {
      const p = newer(r.position, latest.get(r.vehicleId));
      return p === r.position || r.status === 'broken_down' ? r : { ...r, position: p ?? null, gpsStale: false };
    }),
  };
}

/** The dispatcher's live board (desktop): shipments table, map, vehicles, at-risk queue, stop details. */
export default function DispatchBoard({ warehouseId }: ScreenProps) {
  const [date, setDate] = useState(today());
  const [board, setBoard] = useState<Board>();
  const [shipments, setShipments] = useState<ShipmentRow[]>([]);
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState('');

  const latest = useRef(new Map<string, Position>());
  // Only the newest read may draw: a read for the day the dispatcher just left (a live event's re-read, the clock's
  // tick) can answer after the new day's, and would put the old day's stops back under their cursor.
  const generation = useRef(0);
  const load = useCallback(async () => {
    if (!warehouseId) return;
    const mine = ++generation.current;
    // Board and shipments are drawn together, so the table never shows one day's stops with another read's shipments.
    const [b, s] = await Promise.allSettled([
      api<Board>('GET', `/v1/dispatch/board?warehouseId=${warehouseId}&deliveryDate=${date}`),
      dayShipments(warehouseId, date),
    ]);
    if (mine !== generation.current) return;
    if (b.status === 'fulfilled') {
      setBoard(withPositions(b.value, latest.current));
      setError('');
    } else setError((b.reason as Error).message);
    setShipments(s.status === 'fulfilled' ? s.value : []);
  }, [warehouseId, date]);

  // Coalesce bursts of events into one re-read.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const reload = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(load, 250);
  }, [load]);

  // The shell's live socket: positions move vehicles in place, stop/route events re-read the board.
  useEffect(() => {
    void load();
    const offEvents = onLiveEvent((e: LiveEvent) => {
      if (REFRESH_ON.test(e.type)) reload();
    });
    const offTelemetry = onTelemetry((e: TelemetryMessage) => {
      if (e.type !== 'vehicle.position_reported' || e.warehouseId !== warehouseId) return;
      const p = e.payload as Position & { vehicleId: string };
      const fix: Position = { lat: p.lat, lng: p.lng, speedMps: p.speedMps, headingDeg: p.headingDeg, recordedAt: p.recordedAt };
      if (newer(latest.current.get(p.vehicleId), fix) !== fix) return; // an older fix overtaken by a newer one
      latest.current.set(p.vehicleId, fix);
      setBoard((b) => b && withPositions(b, latest.current));
    });
    // Live ETAs move with the clock too.
    const tick = setInterval(load, 30_000);
    return () => {
      offEvents();
      offTelemetry();
      clearInterval(tick);
      clearTimeout(timer.current);
    };
  }, [load]);

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
          <a href="#/dispatch/plan">Plan the day</a>
          <a href="#/dispatch/metrics">Metrics</a>
        </nav>
        <input type="date" aria-label="Delivery date" value={date} onChange={(e) => setDate((e.target as HTMLInputElement).value)} />
        <span class="muted">
          {board?.planId ? `plan ${board.planStatus}` : 'no plan for this day'} · now {hhmm(board?.nowS)}
        </span>
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
            <StopPanel board={board} route={sel.route} stop={sel.stop} onChanged={load} onClose={() => setSelected(undefined)} />
          )}
        </div>
        <div class="side-col">
          {board && <RoutesPanel board={board} onChanged={load} />}
          {board && <AtRiskPanel board={board} onChanged={load} onSelect={setSelected} />}
        </div>
      </div>
    </main>
  );
}
