// Public surface of the scanning context (pure: safe to import from api/, workers/ and web code).
export { parseScan, resultFromElements, DEFAULT_LOCATION_PATTERN, DEFAULT_LPN_PATTERN } from './scan-parser.js';
export type { ParseScanOptions } from './scan-parser.js';
export { ScanError, isScanError, SCAN_ERROR_CODES } from './scan-error.js';
export type { ScanErrorCode } from './scan-error.js';
export { gs1CheckDigit, hasValidCheckDigit, isValidGtin, isValidSscc, isValidGln, toGtin14 } from './check-digit.js';
export { encodeGs1, encodeBracketForm, splitElementString, parseBracketForm, GS } from './element-string.js';
export type { AiInput } from './element-string.js';
export { parseDigitalLink, encodeDigitalLink, DL_SHORT_NAMES } from './digital-link.js';
export { AI_TABLE, PREDEFINED_LENGTH_PREFIXES } from './ai-table.js';
export type { AiDef, AiComponent } from './ai-table.js';
export type { Gs1Element } from './ai-value.js';
export { placeDecimal } from './ai-value.js';
export { gs1FullYear, gs1DateToIso, DEFAULT_REFERENCE_YEAR } from './gs1-dates.js';
export { splitSymbology, expandUpcE } from './symbology.js';
export * from './scanning.schemas.js';
