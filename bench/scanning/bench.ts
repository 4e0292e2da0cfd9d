/**
 * Scan-parser throughput: parseScan over a seeded mix of realistic handheld scans (GS1-128 and
 * GS1 DataMatrix element strings, SSCC pallet labels, Digital Link QR codes, EAN/UPC, our location
 * and LPN codes, internal SKU text). Baseline, measured in the same process and interleaved round by
 * round: JSON.parse of a JSON string of the same size as each scan — the cheapest "parse" there is.
 * Figures are medians over rounds; ratio = parseScan/s ÷ JSON.parse/s (higher is better).
 */
import { performance } from 'node:perf_hooks';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { encodeDigitalLink, encodeGs1, gs1CheckDigit, parseScan } from '../../domain/scanning/index.js';
import { mulberry32 } from '../../domain/shared/rng.js';

const BENCH = 'scanning';

const prng = mulberry32;

function makeScans(count: number, seed: number): string[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const digits = (n: number) => Array.from({ length: n }, () => int(10)).join('');
  const withCheck = (body: string) => body + gs1CheckDigit(body);
  const gtin = () => withCheck('0' + digits(12));
  const date = () => `${20 + int(10)}${String(1 + int(12)).padStart(2, '0')}${String(int(29)).padStart(2, '0')}`;
  const lot = () => `L${digits(2 + int(6))}`;
  const makers: (() => string)[] = [
    () =>
      encodeGs1(
        [
          ['01', gtin()],
          ['17', date()],
          ['10', lot()],
        ],
        { symbology: ']C1' },
      ),
    () =>
      encodeGs1(
        [
          ['01', gtin()],
          ['17', date()],
          ['10', lot()],
          ['21', digits(12)],
        ],
        { symbology: ']d2' },
      ),
    () =>
      encodeGs1(
        [
          ['00', withCheck('3' + digits(16))],
          ['02', gtin()],
          ['37', String(1 + int(200))],
          ['10', lot()],
        ],
        { symbology: ']C1' },
      ),
    () =>
      encodeGs1([
        ['01', gtin()],
        ['3103', digits(6)],
        ['15', date()],
      ]),
    () =>
      encodeDigitalLink(
        [
          ['01', gtin()],
          ['10', lot()],
          ['17', date()],
        ],
        'https://brand.example.com',
      ),
    () => `]E0${withCheck(digits(12))}`,
    () => withCheck(digits(12)),
    () =>
      `${'ABCDEFGH'[int(8)]}-${String(1 + int(20)).padStart(2, '0')}-${String(1 + int(5)).padStart(2, '0')}-${String(1 + int(4)).padStart(2, '0')}`,
    () => `LPN${digits(10)}`,
    () => `SKU-${digits(5)}-${'SML'[int(3)]}`,
  ];
  return Array.from({ length: count }, () => makers[int(makers.length)]());
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Calls per second of `fn` over all inputs, repeated `reps` times. */
function rate(inputs: string[], reps: number, fn: (s: string) => unknown): number {
  let sink = 0;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) for (const s of inputs) sink += fn(s) ? 1 : 0;
  const s = (performance.now() - t0) / 1000;
  if (sink < 0) console.error(sink); // keep the work observable
  return (inputs.length * reps) / s;
}

const bench: Benchmark = {
  name: BENCH,
  budgetS: 10,
  async run({ quick, seed }): Promise<Figure[]> {
    const s = seed ?? 1;
    const scans = makeScans(2000, s);
    // Same-size JSON strings: '"' + padding + '"' has the scan's length.
    const json = scans.map((x) => JSON.stringify('x'.repeat(Math.max(0, x.length - 2))));
    const gs1Only = scans.filter((x) => x.startsWith(']C1') || x.startsWith(']d2'));
    const rounds = quick ? 5 : 15;
    const reps = quick ? 5 : 20;
    rate(scans, 5, (x) => parseScan(x)); // warm-up: let the JIT settle before measuring
    rate(json, 5, (x) => JSON.parse(x));
    const ours: number[] = [];
    const base: number[] = [];
    const gs1: number[] = [];
    for (let r = 0; r < rounds; r++) {
      ours.push(rate(scans, reps, (x) => parseScan(x)));
      base.push(rate(json, reps, (x) => JSON.parse(x)));
      gs1.push(rate(gs1Only, reps, (x) => parseScan(x)));
    }
    const baseline = median(base);
    const avgLen = scans.reduce((a, x) => a + x.length, 0) / scans.length;
    console.error(`[scanning] seed=${s} scans=${scans.length} avgLen=${avgLen.toFixed(1)} rounds=${rounds}x${reps}`);
    return [
      figure(BENCH, 'parse_mixed_per_s', Math.round(median(ours)), 'scans/s', Math.round(baseline), 'JSON.parse of same-size string /s'),
      figure(
        BENCH,
        'parse_gs1_element_string_per_s',
        Math.round(median(gs1)),
        'scans/s',
        Math.round(baseline),
        'JSON.parse of same-size string /s',
      ),
      figure(BENCH, 'parse_mixed_mean_us', 1e6 / median(ours), 'µs/scan', 1e6 / baseline, 'JSON.parse of same-size string µs'),
    ];
  },
};

export default bench;
