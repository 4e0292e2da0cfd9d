// Validation of one AI's value against its table entry: length, character set (GS1 General
// Specifications §7.11 CSET 82 / CSET 39 / CSET 64), check digits (§7.9) and dates (§7.12).
import type { AiComponent, AiDef, Cset, Lint } from './ai-table.js';
import { gs1CheckDigit, hasValidCheckDigit } from './check-digit.js';
import { daysInMonth, gs1DateToIso } from './gs1-dates.js';
import { ScanError } from './scan-error.js';

/** One validated element of a GS1 message. */
export interface Gs1Element {
  ai: string;
  value: string;
  title: string;
  /** 0-based offset of the AI in the raw scan (for element strings), or -1 when not meaningful. */
  position: number;
  /** ISO yyyy-mm-dd for AIs whose value starts with a date. */
  date?: string;
  /** For 31nn–36nn and 390n–395n: the value with the implied decimal point placed, e.g. "0.195". */
  decimal?: string;
  /** For 391n/393n: ISO 4217 numeric currency code preceding the amount. */
  currency?: string;
}

const CSET_PATTERN: Record<Cset, RegExp> = {
  N: /^[0-9]*$/,
  // CSET 82 (§7.11 figure 7.11-1): the ISO 646 invariant subset allowed in GS1 data.
  X: /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/,
  Y: /^[#\-/0-9A-Z]*$/,
  Z: /^[A-Za-z0-9_\-=]*$/,
};

const CSET_NAME: Record<Cset, string> = { N: 'digits', X: 'GS1 CSET 82', Y: 'GS1 CSET 39', Z: 'GS1 CSET 64' };

export interface ValueContext {
  /** Offset of the AI in the raw scan, for messages. */
  position: number;
  referenceYear: number;
}

function where(def: AiDef, ctx: ValueContext): string {
  return ctx.position >= 0 ? `AI (${def.ai}) at position ${ctx.position}` : `AI (${def.ai})`;
}

/** Split `value` into the parts the components describe; throws on a length that fits no split. */
function splitParts(def: AiDef, value: string, ctx: ValueContext): string[] {
  if (value.length < def.minLength)
    throw new ScanError(
      'value-too-short',
      `${where(def, ctx)} (${def.title}) needs at least ${def.minLength} characters, got ${value.length} ("${value}")`,
      { ai: def.ai, position: ctx.position },
    );
  if (value.length > def.maxLength)
    throw new ScanError(
      'value-too-long',
      `${where(def, ctx)} (${def.title}) allows at most ${def.maxLength} characters, got ${value.length} ("${value}")`,
      { ai: def.ai, position: ctx.position },
    );
  const parts: string[] = [];
  let i = 0;
  // Only the last part may vary in length in the GS1 table, so a greedy split is exact.
  for (const c of def.components) {
    const take = Math.min(c.max, value.length - i);
    if (take === 0 && c.optional) break;
    if (take < c.min)
      throw new ScanError(
        'value-too-short',
        `${where(def, ctx)} (${def.title}): part ${parts.length + 1} needs ${c.min} characters, got ${take} ("${value}")`,
        { ai: def.ai, position: ctx.position },
      );
    parts.push(value.slice(i, i + take));
    i += take;
  }
  return parts;
}

// Top-level rather than a closure per call: tsx keeps function names by wrapping every closure it
// creates, which costs more than the whole lint on the hot path.
function failLint(def: AiDef, ctx: ValueContext, el: Gs1Element, code: 'invalid-date' | 'invalid-format', why: string): never {
  throw new ScanError(code, `${where(def, ctx)} (${def.title}): ${why} ("${el.value}")`, { ai: def.ai, position: ctx.position });
}

function lint(def: AiDef, lintName: Lint, part: string, el: Gs1Element, ctx: ValueContext): void {
  switch (lintName) {
    case 'csum':
      if (!hasValidCheckDigit(part)) {
        const expected = gs1CheckDigit(part.slice(0, -1));
        throw new ScanError(
          'bad-check-digit',
          `${where(def, ctx)} (${def.title}): check digit ${part.slice(-1)} of ${part} should be ${expected}`,
          { ai: def.ai, position: ctx.position },
        );
      }
      return;
    case 'zero':
      if (part !== '0') failLint(def, ctx, el, 'invalid-format', 'the first digit must be 0');
      return;
    case 'yymmd0':
    case 'yymmdd':
    case 'yymmddhh': {
      const r = gs1DateToIso(part.slice(0, 6), ctx.referenceYear, lintName === 'yymmd0');
      if ('reason' in r) failLint(def, ctx, el, 'invalid-date', r.reason);
      else if (el.date === undefined) el.date = r.iso;
      if (lintName === 'yymmddhh' && Number(part.slice(6, 8)) > 23)
        failLint(def, ctx, el, 'invalid-date', `hour ${part.slice(6, 8)} is not 00–23`);
      return;
    }
    case 'yyyymmdd': {
      const year = Number(part.slice(0, 4));
      const mm = Number(part.slice(4, 6));
      const dd = Number(part.slice(6, 8));
      if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(year, mm))
        failLint(def, ctx, el, 'invalid-date', `${part.slice(0, 8)} is not a date YYYYMMDD`);
      if (el.date === undefined) el.date = `${part.slice(0, 4)}-${part.slice(4, 6)}-${part.slice(6, 8)}`;
      return;
    }
    case 'hhmm':
      if (Number(part.slice(0, 2)) > 23 || Number(part.slice(2, 4)) > 59)
        failLint(def, ctx, el, 'invalid-date', `time ${part} is not HHMM`);
      return;
    case 'mmoptss':
      if ((part.length !== 2 && part.length !== 4) || Number(part.slice(0, 2)) > 59 || Number(part.slice(2, 4) || '0') > 59)
        failLint(def, ctx, el, 'invalid-date', `minutes/seconds ${part} are not MM or MMSS`);
      return;
    case 'hyphen':
      if (part !== '-') failLint(def, ctx, el, 'invalid-format', 'the optional last character must be "-"');
      return;
  }
}

/** "000195" with 3 decimals → "0.195"; canonical (no leading zeros), exactly `n` fraction digits. */
export function placeDecimal(digits: string, n: number): string {
  const padded = digits.padStart(n + 1, '0');
  const int = padded.slice(0, padded.length - n).replace(/^0+(?=\d)/, '');
  return n === 0 ? int : `${int}.${padded.slice(padded.length - n)}`;
}

function badCharacter(def: AiDef, ctx: ValueContext, c: AiComponent, part: string, value: string): never {
  const bad = [...part].find((ch) => !CSET_PATTERN[c.cset].test(ch)) ?? '';
  const shown = bad.charCodeAt(0) < 32 ? `\\x${bad.charCodeAt(0).toString(16).padStart(2, '0')}` : bad;
  throw new ScanError(
    'invalid-format',
    `${where(def, ctx)} (${def.title}): character "${shown}" is not allowed (${CSET_NAME[c.cset]}) in "${value}"`,
    { ai: def.ai, position: ctx.position },
  );
}

/** Validate `value` for `def` and return the element; throws ScanError naming the AI and position. */
export function validateAiValue(def: AiDef, value: string, ctx: ValueContext): Gs1Element {
  const parts = splitParts(def, value, ctx);
  const el: Gs1Element = { ai: def.ai, value, title: def.title, position: ctx.position };
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const c: AiComponent = def.components[k];
    if (!CSET_PATTERN[c.cset].test(part)) badCharacter(def, ctx, c, part, value);
    for (const l of c.lints) lint(def, l, part, el, ctx);
  }
  if (def.decimal) {
    const n = Number(def.ai[3]);
    const amount = parts.length === 2 ? parts[1] : parts[0];
    if (parts.length === 2) el.currency = parts[0];
    el.decimal = placeDecimal(amount, n);
  }
  return el;
}
