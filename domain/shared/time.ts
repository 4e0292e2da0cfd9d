/**
 * A timestamp as the API shows it: ISO 8601 in UTC, or null. Raw SQL returns timestamptz columns as strings
 * (`RowOf`), entities as Date; both are accepted. null, undefined and '' mean "no timestamp".
 */
export function iso(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : new Date(v as Date | string).toISOString();
}
