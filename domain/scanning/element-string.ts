// GS1 element strings as carried by GS1-128, GS1 DataMatrix, GS1 QR and GS1 DataBar (GS1 General
// Specifications §7.8): AI + value, concatenated; a value whose AI is not in the predefined-length
// table (§7.8.5) ends with FNC1, transmitted as ASCII 29 (GS) — except after the last element.
// Also the human-readable "(01)…(17)…" form (§4.15) and the matching encoders.
import { AI_TABLE, isFixedLength, lookupAiAt } from './ai-table.js';
import type { AiDef } from './ai-table.js';
import { validateAiValue } from './ai-value.js';
import type { Gs1Element } from './ai-value.js';
import { DEFAULT_REFERENCE_YEAR } from './gs1-dates.js';
import { ScanError } from './scan-error.js';

/** ASCII 29, Group Separator: how a scanner transmits FNC1 in a GS1 message. */
export const GS = '\x1d';

export interface SplitOptions {
  /** Offset of `data` inside the raw scan, so positions in errors point into what was scanned. */
  base?: number;
  referenceYear?: number;
}

function aiDigitsAt(data: string, i: number): string {
  let j = i;
  while (j < data.length && j < i + 4 && data.charCodeAt(j) >= 48 && data.charCodeAt(j) <= 57) j++;
  return data.slice(i, j);
}

/** Add `el` to `out`, rejecting a repeated AI with another value (§4.14: one value per AI). */
export function pushElement(out: Gs1Element[], el: Gs1Element): void {
  let prev: Gs1Element | undefined;
  for (const e of out) if (e.ai === el.ai) prev = e;
  if (!prev) out.push(el);
  else if (prev.value !== el.value)
    throw new ScanError(
      'duplicate-ai',
      `AI (${el.ai}) appears twice with different values ("${prev.value}", "${el.value}")${el.position >= 0 ? ` at position ${el.position}` : ''}`,
      { ai: el.ai, position: el.position },
    );
}

/** Parse an FNC1-separated element string (GS = ASCII 29; leading/trailing/doubled GS tolerated). */
export function splitElementString(data: string, opts: SplitOptions = {}): Gs1Element[] {
  const base = opts.base ?? 0;
  const referenceYear = opts.referenceYear ?? DEFAULT_REFERENCE_YEAR;
  const out: Gs1Element[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] === GS) {
      i++;
      continue;
    }
    const def = lookupAiAt(data, i);
    if (!def) {
      const digits = aiDigitsAt(data, i);
      const detail =
        digits.length < 2
          ? `expected an AI (digits) at position ${base + i}, found "${data.slice(i, i + 4)}"`
          : `unknown AI starting "${digits}" at position ${base + i}`;
      throw new ScanError('unknown-ai', detail, { position: base + i });
    }
    const start = i + def.ai.length;
    let end = data.indexOf(GS, start);
    if (end < 0) end = data.length;
    // A fixed-length value is cut at its length even without FNC1 (mandatory for predefined-length
    // AIs, and harmless for the others since the length is known).
    if (isFixedLength(def) && end - start > def.maxLength) end = start + def.maxLength;
    const value = data.slice(start, end);
    pushElement(out, validateAiValue(def, value, { position: base + i, referenceYear }));
    i = end;
  }
  if (out.length === 0) throw new ScanError('empty', 'the GS1 message holds no element');
  return out;
}

const BRACKET_AI = /\((\d{2,4})\)/y;

/** Parse the human-readable form "(01)09506000134352(17)260101(10)AB1". */
export function parseBracketForm(data: string, opts: SplitOptions = {}): Gs1Element[] {
  const base = opts.base ?? 0;
  const referenceYear = opts.referenceYear ?? DEFAULT_REFERENCE_YEAR;
  const out: Gs1Element[] = [];
  // Values may themselves hold "(" (CSET 82), so a bracket only opens an AI when "(digits)" names one.
  const openings: { at: number; def: AiDef; len: number }[] = [];
  for (let i = data.indexOf('('); i >= 0; i = data.indexOf('(', i + 1)) {
    BRACKET_AI.lastIndex = i;
    const m = BRACKET_AI.exec(data);
    const def = m ? AI_TABLE.get(m[1]) : undefined;
    if (m && def) openings.push({ at: i, def, len: m[0].length });
    // "(digits)" that names no AI is far likelier a wrong AI than a value containing brackets.
    else if (m) throw new ScanError('unknown-ai', `unknown AI (${m[1]}) at position ${base + i}`, { ai: m[1], position: base + i });
  }
  if (openings.length === 0 || openings[0].at !== 0)
    throw new ScanError('invalid-format', 'a bracketed GS1 string must start with "(AI)"', { position: base });
  openings.forEach((o, k) => {
    const end = k + 1 < openings.length ? openings[k + 1].at : data.length;
    const value = data.slice(o.at + o.len, end);
    pushElement(out, validateAiValue(o.def, value, { position: base + o.at, referenceYear }));
  });
  return out;
}

export type AiInput = Record<string, string> | ReadonlyArray<readonly [string, string]>;

function entries(ais: AiInput): [string, string][] {
  return Array.isArray(ais) ? ais.map(([a, v]) => [a, v]) : Object.entries(ais as Record<string, string>);
}

function checkedDef(ai: string, value: string): AiDef {
  const def = AI_TABLE.get(ai);
  if (!def) throw new ScanError('unknown-ai', `unknown AI "${ai}"`, { ai });
  validateAiValue(def, value, { position: -1, referenceYear: DEFAULT_REFERENCE_YEAR });
  return def;
}

/**
 * Encode AIs as an element string (what a scanner would send after the symbology identifier):
 * predefined-length elements first, then the others in input order, FNC1 (default GS, or `fnc1`)
 * after every value that is not of predefined length except the last. Throws ScanError on a bad AI/value.
 */
export function encodeGs1(ais: AiInput, opts: { fnc1?: string; symbology?: string } = {}): string {
  const fnc1 = opts.fnc1 ?? GS;
  // Predefined-length elements first: they need no FNC1, so the symbol is shortest (§7.8.5).
  const all = entries(ais).map(([ai, value]) => ({ ai, value, def: checkedDef(ai, value) }));
  const list = [...all.filter((e) => e.def.predefined), ...all.filter((e) => !e.def.predefined)];
  let s = opts.symbology ?? '';
  list.forEach(({ ai, value, def }, k) => {
    s += ai + value;
    if (!def.predefined && k < list.length - 1) s += fnc1;
  });
  return s;
}

/** Encode AIs in the human-readable bracket form "(01)…(10)…". Validates like encodeGs1. */
export function encodeBracketForm(ais: AiInput): string {
  return entries(ais)
    .map(([ai, value]) => {
      checkedDef(ai, value);
      return `(${ai})${value}`;
    })
    .join('');
}
