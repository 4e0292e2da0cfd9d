/** Stable machine codes for why a scan was rejected; the API maps them to problem+json `type`s. */
export const SCAN_ERROR_CODES = [
  'empty',
  'bad-check-digit',
  'unknown-ai',
  'value-too-long',
  'value-too-short',
  'invalid-format',
  'invalid-date',
  'duplicate-ai',
  'invalid-digital-link',
] as const;

export type ScanErrorCode = (typeof SCAN_ERROR_CODES)[number];

/**
 * A scan that cannot be what it claims to be. `detail` is a sentence for a human (names the AI and the
 * 0-based character position in the raw scan when known); `ai` and `position` repeat them for machines.
 */
export class ScanError extends Error {
  readonly code: ScanErrorCode;
  readonly detail: string;
  readonly ai?: string;
  readonly position?: number;

  constructor(code: ScanErrorCode, detail: string, where: { ai?: string; position?: number } = {}) {
    super(detail);
    this.name = 'ScanError';
    this.code = code;
    this.detail = detail;
    if (where.ai !== undefined) this.ai = where.ai;
    if (where.position !== undefined) this.position = where.position;
  }
}

/** True when `err` is a ScanError (optionally with the given code). */
export function isScanError(err: unknown, code?: ScanErrorCode): err is ScanError {
  return err instanceof ScanError && (code === undefined || err.code === code);
}
