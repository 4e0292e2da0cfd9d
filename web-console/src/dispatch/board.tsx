import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { onLiveEvent, type LiveEvent } from '../live';
import type { ScreenProps } from '../shell/areas';
import { api, dayShipments, type Board, type ShipmentRow } from './api';
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

/** The dispatcher's live board (desktop): shipments table, map, vehicles, at-risk queue, stop details. */
export default function DispatchBoard({ warehouseId }: ScreenProps) {
  const [date, setDate] = useState(today());
  const [board, setBoard] = useState<Board>();
  const [shipments, setShipments] = useState<ShipmentRow[]>([]);
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    if (!warehouseId) return;
    try {
      const b = await api<Board>('GET', `/v1/dispatch/board?warehouseId=${warehouseId}&deliveryDate=${date}`);
      setBoard(b);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
    dayShipments(warehouseId, date)
      .then(setShipments)
      .catch(() => setShipments([]));
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
    const off = onLiveEvent((e: LiveEvent) => {
      if (e.type === 'vehicle.position_reported') {
        const p = e.payload as {
          vehicleId: string;
          lat: number;
          lng: number;
          speedMps: number | null;
          headingDeg: number | null;
          recordedAt: string;
        };
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
    });
    // Live ETAs move with the clock too.
    const tick = setInterval(load, 30_000);
    return () => {
      off();
      clearInterval(tick);
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
