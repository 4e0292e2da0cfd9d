import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64 HMAC-SHA256 of raw bytes: the Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature) scheme. */
export function hmacBase64(secret: string | Buffer, raw: Buffer | string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** Constant-time check of a base64 signature header against the raw body; false for a missing or malformed header. */
export function verifyBase64Hmac(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(hmacBase64(secret, raw), 'base64');
  const given = Buffer.from(header.trim(), 'base64');
  // Lengths are public (always 32 for SHA-256); comparing unequal lengths would throw.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/**
 * Standard Webhooks v1 signature (standardwebhooks.com spec): `v1,<base64 HMAC-SHA256("{id}.{ts}.{body}")>`
 * keyed with the base64 part of a `whsec_` secret.
 */
export function standardWebhookSignature(secret: string, msgId: string, timestampS: number, body: string): string {
  // whsec_<base64> per the spec; any other shared secret (a connector's) is used as its UTF-8 bytes.
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestampS}.${body}`).digest('base64')}`;
}

/** Verifies a Standard Webhooks signature header (space-separated list) in constant time, with a timestamp tolerance. */
export function verifyStandardWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(standardWebhookSignature(secret, headers.id, ts, body).slice(3), 'base64');
  return headers.signature.split(' ').some((part) => {
    const [v, sig] = part.split(',');
    if (v !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
