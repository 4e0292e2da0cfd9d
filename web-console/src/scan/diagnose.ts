import { gs1CheckDigit } from '../../../domain/scanning/check-digit.js';

const GS = '\x1d';
const GTIN_BODY = '0401234500000';
/** The printed self-test label: GTIN, a lot (variable length, so GS must follow) and a serial. */
export const TEST_LABEL = {
  gtin: GTIN_BODY + gs1CheckDigit(GTIN_BODY),
  lot: 'ABC123',
  serial: 'S42',
};
/** Human-readable (bracket) form, what bwip-js encodes as GS1-128. */
export const TEST_LABEL_TEXT = `(01)${TEST_LABEL.gtin}(10)${TEST_LABEL.lot}(21)${TEST_LABEL.serial}`;
const HEAD = `01${TEST_LABEL.gtin}10${TEST_LABEL.lot}`;
const TAIL = `21${TEST_LABEL.serial}`;

export type Finding =
  | { code: 'ok' }
  | { code: 'aimStripped' }
  | { code: 'gsLost' }
  | { code: 'gsAs'; sent: string }
  | { code: 'noSuffix' }
  | { code: 'extraSuffix'; extra: string }
  | { code: 'notEvents' }
  | { code: 'unrecognised'; received: string };

export interface WedgeCapture {
  /** The characters the field received, in order, before the suffix key. */
  text: string;
  /** 'Enter' / 'Tab' when the scan ended with that key; undefined when it stopped without one. */
  terminator?: string;
  /** Printable characters that came as key events (keydown); fewer than text.length = pasted as a string. */
  keyEvents: number;
  /** The GS replacement configured on this device (empty: none). */
  gsChar: string;
}

/**
 * Names what is wrong with a scanner's keyboard-wedge setup from one scan of the test label: the GS
 * separator lost or sent as something else, the AIM prefix stripped, a missing or extra suffix,
 * characters sent as a string rather than as key events. Pure: the self-test screen feeds it.
 */
export function diagnoseWedge(c: WedgeCapture): Finding[] {
  const out: Finding[] = [];
  let body = c.text;
  if (body.startsWith(']C1')) body = body.slice(3);
  else out.push({ code: 'aimStripped' });
  if (c.gsChar) body = body.split(c.gsChar).join(GS);
  const tailAt = body.lastIndexOf(TAIL);
  if (!body.startsWith(HEAD) || tailAt < HEAD.length) return [...out, { code: 'unrecognised', received: c.text }];
  const middle = body.slice(HEAD.length, tailAt);
  if (middle === '') out.push({ code: 'gsLost' });
  else if (middle !== GS) out.push({ code: 'gsAs', sent: middle });
  const extra = body.slice(tailAt + TAIL.length);
  if (extra) out.push({ code: 'extraSuffix', extra });
  if (!c.terminator) out.push({ code: 'noSuffix' });
  if (c.keyEvents < c.text.length) out.push({ code: 'notEvents' });
  return out.length ? out : [{ code: 'ok' }];
}
