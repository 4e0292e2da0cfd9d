import { useState } from 'preact/hooks';
import { api, type Board } from './api';
import { ROUTE_COLOURS } from './format';

/** Vehicles of the day: progress, GPS state, dispatch, and "broke down → re-plan" with dispatched stops locked. */
export function RoutesPanel(props: { board: Board; onChanged: () => void }) {
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const act = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError('');
    try {
      await fn();
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  };
  const replan = (vehicleId: string) =>
    act(`replan-${vehicleId}`, () =>
      api('POST', `/v1/route-plans/${props.board.planId}/reoptimize`, { brokenVehicleIds: [vehicleId], timeLimitS: 5 }),
    );
  const dispatch = (routeId: string) => act(`dispatch-${routeId}`, () => api('POST', `/v1/routes/${routeId}/dispatch`));
  const solving = props.board.planStatus === 'queued' || props.board.planStatus === 'solving';
  return (
    <section class="panel routes" data-testid="routes-panel">
      <h3>
        Vehicles{' '}
        {solving && (
          <span class="pill st-planned" data-testid="plan-solving">
            re-planning…
          </span>
        )}
      </h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {props.board.routes.map((r, i) => {
          const done = r.stops.filter((s) => s.status === 'delivered' || s.status === 'failed').length;
          const planned = r.stops.filter((s) => s.status === 'planned').length;
          return (
            <li key={r.id} data-route={r.id} data-vehicle={r.vehicleCode} class={`st-${r.status}`}>
              <span class="swatch" style={{ background: ROUTE_COLOURS[i % ROUTE_COLOURS.length] }} />
              <strong>{r.vehicleCode}</strong> <span class="muted">{r.driverName ?? 'no driver'}</span>
              <span class="progress">
                {done}/{r.stops.length}
              </span>
              <span class={`pill st-${r.status}`}>{r.status.replace('_', ' ')}</span>
              {r.status === 'dispatched' && r.gpsStale && <span class="pill stale">GPS stale</span>}
              <span class="actions">
                {(r.status === 'planned' || planned > 0) && r.status !== 'broken_down' && r.status !== 'completed' && (
                  <button type="button" class="small" disabled={!!busy || solving} onClick={() => dispatch(r.id)}>
                    Dispatch{planned && r.status === 'dispatched' ? ` ${planned} new` : ''}
                  </button>
                )}
                {(r.status === 'dispatched' || r.status === 'planned') && (
                  <button
                    type="button"
                    class="small danger"
                    disabled={!!busy || solving}
                    onClick={() => replan(r.vehicleId)}
                    title="Vehicle broke down: hand its open stops to other vehicles, dispatched stops stay locked"
                  >
                    Broke down → re-plan
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
