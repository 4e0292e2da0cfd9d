/** Display helpers: times of day are seconds since local midnight of the delivery date. */
export function hhmm(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '–';
  // Another day's board: now is before its midnight.
  if (s < 0) return `${hhmm(s + 86_400)}−1`;
  const m = Math.round(s / 60);
  const h = Math.floor(m / 60);
  return `${String(h % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}${h >= 24 ? '+1' : ''}`;
}

export const windowText = (a: number | null, b: number | null) =>
  a == null && b == null ? 'any time' : a == null ? `by ${hhmm(b)}` : b == null ? `from ${hhmm(a)}` : `${hhmm(a)}–${hhmm(b)}`;

export function mins(s: number): string {
  const m = Math.round(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

export const STATUS_COLOUR: Record<string, string> = {
  planned: '#8a96a3',
  dispatched: '#1f6fd1',
  delivered: '#1e9e5a',
  failed: '#d13c2f',
  late: '#e08a00',
};

/** Distinct route colours (Okabe–Ito palette, readable for colour-blind viewers). */
export const ROUTE_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#7f7f7f', '#8c564b'];
