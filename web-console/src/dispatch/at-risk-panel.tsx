import { useState } from 'preact/hooks';
import { api, type AtRisk, type Board } from './api';
import { hhmm, mins } from './format';

/** Stops that will miss their window, each with its suggested fix and the ETA change of every stop it touches. */
export function AtRiskPanel(props: { board: Board; onChanged: () => void; onSelect: (stopId: string) => void }) {
  const [open, setOpen] = useState<string>();
  const [error, setError] = useState('');
  const stopLabel = (id: string) => {
    for (const r of props.board.routes) {
      const s = r.stops.find((x) => x.id === id);
      if (s) return `${s.customer ?? s.trackingNumber ?? id.slice(0, 6)}`;
    }
    return id.slice(0, 6);
  };
  const code = (id: string) => props.board.routes.find((r) => r.id === id)?.vehicleCode ?? '?';
  const apply = async (a: AtRisk) => {
    setError('');
    try {
      await api('POST', '/v1/dispatch/at-risk/apply', { stopId: a.stopId, orders: a.suggestion!.orders });
      setOpen(undefined);
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section class="panel at-risk" data-testid="at-risk">
      <h3>At risk ({props.board.atRisk.length})</h3>
      {props.board.atRisk.length === 0 && <p class="muted">Every window holds at the live ETAs.</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {props.board.atRisk.slice(0, 30).map((a) => (
          <li key={a.stopId} data-stop={a.stopId}>
            <button type="button" class="link" onClick={() => props.onSelect(a.stopId)}>
              {stopLabel(a.stopId)}
            </button>{' '}
            <span class="muted">
              {a.vehicleCode} · ETA {hhmm(a.etaS)} / window ends {hhmm(a.windowEndS)}
            </span>{' '}
            <span class="late">+{mins(a.lateByS)}</span>
            {a.suggestion ? (
              <button type="button" class="small" onClick={() => setOpen(open === a.stopId ? undefined : a.stopId)}>
                {a.suggestion.kind === 'swap' ? `Serve earlier (#${a.suggestion.position})` : `Move to ${code(a.suggestion.toRouteId)}`}
              </button>
            ) : (
              <span class="muted"> no fix found</span>
            )}
            {open === a.stopId && a.suggestion && (
              <div class="fix-preview" data-testid="fix-preview">
                <p class="fix-summary">
                  Lateness {mins(a.suggestion.lateBeforeS)} → {mins(a.suggestion.lateAfterS)}; driving{' '}
                  {a.suggestion.extraDriveS >= 0 ? '+' : '−'}
                  {mins(Math.abs(a.suggestion.extraDriveS))}.{' '}
                  <button type="button" class="primary" onClick={() => apply(a)}>
                    Apply fix
                  </button>
                </p>
                <div class="fix-effects">
                  <table>
                    <thead>
                      <tr>
                        <th>Stop</th>
                        <th>ETA now</th>
                        <th>After</th>
                        <th>Late</th>
                      </tr>
                    </thead>
                    <tbody>
                      {a.suggestion.effects.map((e) => (
                        <tr
                          key={e.stopId}
                          data-stop={e.stopId}
                          data-route={e.routeId}
                          data-before-s={Math.round(e.beforeS)}
                          data-after-s={Math.round(e.afterS)}
                          class={e.lateAfterS > e.lateBeforeS ? 'worse' : e.lateAfterS < e.lateBeforeS ? 'better' : ''}
                        >
                          <td>
                            {stopLabel(e.stopId)}
                            {/* A move touches two routes: say which each stop is on. */}
                            {a.suggestion!.kind === 'move' && <span class="muted"> · {code(e.routeId)}</span>}
                          </td>
                          <td>{hhmm(e.beforeS)}</td>
                          <td>{hhmm(e.afterS)}</td>
                          <td>{e.lateAfterS > 0 ? mins(e.lateAfterS) : 'on time'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
