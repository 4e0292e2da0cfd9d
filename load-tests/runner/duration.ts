/** k6 duration strings ('500ms', '30s', '1m30s', '2h') to milliseconds; a bare number is taken as ms. */
export function parseDurationMs(input: string | number | undefined, fallbackMs = 0): number {
  if (input === undefined || input === null || input === '') return fallbackMs;
  if (typeof input === 'number') return input;
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, us: 0.001, µs: 0.001, ns: 1e-6 };
  let total = 0;
  let rest = text;
  const part = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw new Error(`invalid duration "${input}" (expected e.g. 500ms, 30s, 1m30s)`);
    total += Number(m[1]) * unitMs[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}
