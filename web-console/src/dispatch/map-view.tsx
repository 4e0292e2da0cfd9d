import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'preact/hooks';
import type { LiveRoute, LiveStop } from './api';
import { ROUTE_COLOURS, STATUS_COLOUR } from './format';

/**
 * The board's map (Leaflet). The tile source is configurable (`dockside.tileUrl` in localStorage, or
 * VITE_TILE_URL at build time); without one — offline, in tests — routes, stop markers and vehicles
 * still draw on a plain background, since they are vector layers that need no tiles.
 */
export function tileUrl(): string | undefined {
  return localStorage.getItem('dockside.tileUrl') || (import.meta.env.VITE_TILE_URL as string | undefined) || undefined;
}

export function stopColour(s: LiveStop): string {
  if ((s.status === 'dispatched' || s.status === 'planned') && s.lateByS > 0) return STATUS_COLOUR.late!;
  return STATUS_COLOUR[s.status] ?? '#888';
}

export function MapView(props: { routes: LiveRoute[]; selectedStopId?: string; onSelectStop: (stopId: string) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map>(undefined);
  const layers = useRef<L.LayerGroup>(undefined);
  const vehicles = useRef(new Map<string, L.Marker>());
  const fitted = useRef(false);
  const onSelect = useRef(props.onSelectStop);
  onSelect.current = props.onSelectStop;

  useEffect(() => {
    const m = L.map(el.current!, { attributionControl: false, zoomSnap: 0.25 });
    const url = tileUrl();
    if (url) L.tileLayer(url, { maxZoom: 19 }).addTo(m);
    m.setView([52.37, 4.9], 11);
    layers.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => m.remove();
  }, []);

  // Routes and stops: redrawn on each board refresh (a few hundred vector layers).
  useEffect(() => {
    const m = map.current!;
    const g = layers.current!;
    g.clearLayers();
    const bounds: L.LatLngExpression[] = [];
    props.routes.forEach((r, i) => {
      const colour = ROUTE_COLOURS[i % ROUTE_COLOURS.length]!;
      const path: L.LatLngExpression[] = [[r.depot.lat, r.depot.lng], ...r.stops.map((s) => [s.lat, s.lng] as L.LatLngTuple)];
      L.polyline(path, {
        color: colour,
        weight: r.status === 'broken_down' ? 2 : 3,
        opacity: r.status === 'broken_down' ? 0.35 : 0.8,
        dashArray: r.status === 'broken_down' ? '6 6' : undefined,
        className: `route-line route-${r.id}`,
      }).addTo(g);
      for (const s of r.stops) {
        bounds.push([s.lat, s.lng]);
        const selected = s.id === props.selectedStopId;
        L.circleMarker([s.lat, s.lng], {
          radius: selected ? 9 : 6,
          color: selected ? '#111' : '#fff',
          weight: selected ? 3 : 1.5,
          fillColor: stopColour(s),
          fillOpacity: 1,
          className: `stop-marker stop-${s.id} status-${s.status}`,
        })
          .bindTooltip(`${r.vehicleCode} #${s.seq} · ${s.customer ?? s.shipmentId.slice(0, 8)} · ${s.status}`)
          .on('click', () => onSelect.current(s.id))
          .addTo(g);
      }
      L.circleMarker([r.depot.lat, r.depot.lng], { radius: 7, color: '#0f3d57', fillColor: '#0f3d57', fillOpacity: 1 }).addTo(g);
    });
    if (!fitted.current && bounds.length) {
      m.fitBounds(L.latLngBounds(bounds), { padding: [24, 24] });
      fitted.current = true;
    }
    // Vehicles: one marker each, moved in place on every ping.
    const seen = new Set<string>();
    props.routes.forEach((r, i) => {
      if (!r.position || r.status === 'broken_down') return;
      seen.add(r.vehicleId);
      const at: L.LatLngTuple = [r.position.lat, r.position.lng];
      let mk = vehicles.current.get(r.vehicleId);
      const html = `<span class="vehicle-badge${r.gpsStale ? ' stale' : ''}" style="--c:${ROUTE_COLOURS[i % ROUTE_COLOURS.length]}">${r.vehicleCode}</span>`;
      if (!mk) {
        mk = L.marker(at, {
          icon: L.divIcon({ className: `vehicle-marker vehicle-${r.vehicleId}`, html, iconSize: undefined }),
          zIndexOffset: 1000,
        });
        mk.addTo(m);
        vehicles.current.set(r.vehicleId, mk);
      } else {
        mk.setLatLng(at);
        mk.setIcon(L.divIcon({ className: `vehicle-marker vehicle-${r.vehicleId}`, html, iconSize: undefined }));
      }
      mk.getElement()?.setAttribute('data-lat', String(at[0]));
      mk.getElement()?.setAttribute('data-lng', String(at[1]));
    });
    for (const [id, mk] of vehicles.current)
      if (!seen.has(id)) {
        mk.remove();
        vehicles.current.delete(id);
      }
  }, [props.routes, props.selectedStopId]);

  return <div class="map" ref={el} data-testid="dispatch-map" data-tiles={tileUrl() ? 'on' : 'off'} />;
}
