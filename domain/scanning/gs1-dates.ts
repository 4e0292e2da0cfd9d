// GS1 dates. YYMMDD → full year by the 50-year sliding window of GS1 General Specifications §7.12:
// with YY the two-digit year and C the current year's last two digits, if YY - C is 51..99 the
// year is in the previous century, if -99..-50 in the next, otherwise in the current one.
// DD = 00 (allowed by AIs 11–17, "yymmd0") means the last day of the month (§3.4.2 ff.).

/** Used when no `now` is passed: pure code reads no clock, and this keeps the window stable. */
export const DEFAULT_REFERENCE_YEAR = 2025;

/** The four-digit year for a two-digit GS1 year `yy` seen in `referenceYear` (§7.12 window). */
export function gs1FullYear(yy: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/** Days in `month` (1–12) of `year` in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * ISO `yyyy-mm-dd` for a six-digit GS1 date, or a reason string when it is not a date.
 * `allowZeroDay` accepts DD=00 as the month's last day.
 */
export function gs1DateToIso(yymmdd: string, referenceYear: number, allowZeroDay: boolean): { iso: string } | { reason: string } {
  if (!/^\d{6}$/.test(yymmdd)) return { reason: 'a date needs six digits YYMMDD' };
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  if (mm < 1 || mm > 12) return { reason: `month ${pad2(mm)} is not 01–12` };
  const year = gs1FullYear(yy, referenceYear);
  const last = daysInMonth(year, mm);
  if (dd === 0 && !allowZeroDay) return { reason: 'day 00 is not allowed for this AI' };
  if (dd > last) return { reason: `day ${pad2(dd)} does not exist in ${year}-${pad2(mm)}` };
  return { iso: `${String(year).padStart(4, '0')}-${pad2(mm)}-${pad2(dd === 0 ? last : dd)}` };
}
