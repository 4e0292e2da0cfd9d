import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from '../session';
import type { ScreenProps } from '../shell/areas';
import type { Metrics } from '../../../domain/dispatch/metrics';
import { api } from './api';
import { mins } from './format';
import './dispatch.css';

const pct = (v: number | null) => (v == null ? '–' : `${(v * 100).toFixed(1)} %`);
const day = (d: Date) => d.toISOString().slice(0, 10);

/** One uPlot chart (canvas, ~45 kB library) of a few series over the buckets. */
function Chart(props: {
  title: string;
  xs: number[];
  range: [number, number];
  series: { label: string; values: (number | null)[]; colour: string; bars?: boolean }[];
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const bars = uPlot.paths.bars!({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: el.current!.clientWidth || 400,
        height: 170,
        title: props.title,
        legend: { show: true },
        scales: { x: { time: true, range: props.range } },
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.colour,
            fill: s.bars ? `${s.colour}88` : undefined,
            width: 2,
            paths: s.bars ? bars : undefined,
          })),
        ],
        axes: [{}, { size: 48 }],
      },
      [props.xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el.current!,
    );
    return () => plot.destroy();
  }, [props.xs, props.series]);
  return <div class="chart" ref={el} data-testid="chart" />;
}

/** The operations dashboard: service metrics over a range, charts, scorecards, CSV export. */
export default function MetricsScreen({ warehouseId }: ScreenProps) {
  const [from, setFrom] = useState(day(new Date(Date.now() - 6 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const [m, setM] = useState<Metrics>();
  const [error, setError] = useState('');
  const range = () => {
    const f = new Date(`${from}T00:00:00Z`);
    const t = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
    return `warehouseId=${warehouseId}&from=${f.toISOString()}&to=${t.toISOString()}`;
  };
  useEffect(() => {
    // An answer for a range the dispatcher has already changed is dropped.
    let current = true;
    api<Metrics>('GET', `/v1/dispatch/metrics?${range()}`)
      .then((r) => current && (setM(r), setError('')))
      .catch((e) => current && setError((e as Error).message));
    return () => {
      current = false;
    };
  }, [warehouseId, from, to]);

  const exportCsv = async () => {
    const res = await fetch(`/v1/dispatch/metrics?${range()}&format=csv`, {
      headers: { authorization: `Bearer ${session.get()?.accessToken}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: `metrics-${from}-${to}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };

  const xs = m?.series.map((p) => Date.parse(p.t) / 1000) ?? [];
  // The x axis spans the chosen range, not just the buckets that have data.
  const xRange: [number, number] = m ? [Date.parse(m.from) / 1000, Date.parse(m.to) / 1000] : [0, 1];
  const d = m?.deliveries;
  return (
    <main class="dispatch metrics" data-testid="metrics-dashboard">
      <header class="dispatch-head">
        <strong>Dispatch</strong>
        <nav>
          <a href="#/dispatch">Board</a>
          <a href="#/dispatch/plan">Plan the day</a>
          <a href="#/dispatch/metrics" class="active">
            Metrics
          </a>
        </nav>
        <label>
          From <input type="date" aria-label="From" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To <input type="date" aria-label="To" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" onClick={exportCsv} data-testid="export-csv">
          Export CSV
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {m && d && (
        <div class="metrics-body">
          <section class="kpis">
            {(
              [
                ['On time', pct(d.onTimeRate)],
                ['First-attempt success', pct(d.firstAttemptRate)],
                ['Damage rate', pct(d.damageRate)],
                ['Cost per parcel', d.costPerParcelMinor == null ? '–' : (d.costPerParcelMinor / 100).toFixed(2)],
                ['Deliveries', `${d.delivered} / ${d.attempts}`],
                ['Orders picked / h', m.picking.ordersPerHour == null ? '–' : m.picking.ordersPerHour.toFixed(1)],
                ['Pick accuracy', pct(m.picking.pickAccuracy)],
                ['Dock-to-stock (median)', m.receiving.dockToStockMedianS == null ? '–' : mins(m.receiving.dockToStockMedianS)],
                ['Inventory accuracy', pct(m.inventory.accuracy)],
                ['CO₂e', `${d.co2eKg.toFixed(1)} kg`],
              ] as const
            ).map(([k, v]) => (
              <div class="kpi" key={k}>
                <span>{k}</span>
                <strong data-testid={`kpi-${k}`}>{v}</strong>
              </div>
            ))}
          </section>
          <section class="charts">
            <Chart
              title="Deliveries"
              xs={xs}
              range={xRange}
              series={[
                { label: 'delivered', values: m.series.map((p) => p.delivered), colour: '#1e9e5a', bars: true },
                { label: 'failed', values: m.series.map((p) => p.failed), colour: '#d13c2f', bars: true },
              ]}
            />
            <Chart
              title="On time (%)"
              xs={xs}
              range={xRange}
              series={[
                { label: 'on time', values: m.series.map((p) => (p.onTimeRate == null ? null : p.onTimeRate * 100)), colour: '#0072b2' },
              ]}
            />
            <Chart
              title="Orders picked"
              xs={xs}
              range={xRange}
              series={[{ label: 'orders', values: m.series.map((p) => p.ordersPicked), colour: '#e69f00', bars: true }]}
            />
            <Chart
              title="CO₂e (kg)"
              xs={xs}
              range={xRange}
              series={[{ label: 'kg CO₂e', values: m.series.map((p) => p.co2eKg), colour: '#009e73', bars: true }]}
            />
          </section>
          <section class="tables">
            <div>
              <h3>Carrier and 3PL scorecards</h3>
              <table class="plain" data-testid="scorecards">
                <thead>
                  <tr>
                    <th>Carrier</th>
                    <th>Attempts</th>
                    <th>Delivered</th>
                    <th>On time</th>
                    <th>First attempt</th>
                    <th>Cost/parcel</th>
                  </tr>
                </thead>
                <tbody>
                  {m.carriers.map((c) => (
                    <tr key={c.carrierCode}>
                      <td>{c.carrierCode}</td>
                      <td>{c.attempts}</td>
                      <td>{c.delivered}</td>
                      <td>{pct(c.onTimeRate)}</td>
                      <td>{pct(c.firstAttemptRate)}</td>
                      <td>{c.costPerParcelMinor == null ? '–' : (c.costPerParcelMinor / 100).toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3>Backlog by wave</h3>
              <table class="plain">
                <thead>
                  <tr>
                    <th>Wave</th>
                    <th>Tasks</th>
                    <th>Open</th>
                  </tr>
                </thead>
                <tbody>
                  {m.backlogByWave.map((w) => (
                    <tr key={w.waveId}>
                      <td>{w.number ?? w.waveId.slice(0, 8)}</td>
                      <td>{w.released}</td>
                      <td>{w.open}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3>CO₂e per route and day</h3>
              <table class="plain">
                <tbody>
                  {m.co2ByRoute.map((r) => (
                    <tr key={r.routeId}>
                      <td>{r.vehicleCode ?? r.routeId.slice(0, 8)}</td>
                      <td>{(r.distanceM / 1000).toFixed(1)} km</td>
                      <td>{r.co2eKg.toFixed(2)} kg</td>
                    </tr>
                  ))}
                  {m.co2ByDay.map((x) => (
                    <tr key={x.day}>
                      <td>{x.day}</td>
                      <td />
                      <td>
                        <strong>{x.co2eKg.toFixed(2)} kg</strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </div>
      )}
    </main>
  );
}
