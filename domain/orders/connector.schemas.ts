import { z } from 'zod';

export const connectorKind = z.enum(['shopify', 'woocommerce', 'api']);

export const createConnectorBody = z
  .object({
    kind: connectorKind,
    name: z.string().min(1).max(100),
    warehouseId: z.uuid(),
    webhookSecret: z
      .string()
      .min(8)
      .max(500)
      .describe('Shared secret the storefront signs webhooks with; stored encrypted, never returned'),
    apiToken: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe('Storefront API credential for the reconciliation poll and callbacks (Shopify access token, or WooCommerce "ck_…:cs_…")'),
    shopDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i)
      .optional(),
    siteUrl: z.url().optional(),
    callbackUrl: z
      .url()
      .optional()
      .describe('Base URL for fulfilment callbacks (api kind: where signed webhooks go; others: overrides the store URL)'),
    skuMapping: z.enum(['sku', 'barcode']).default('sku'),
    minShelfLifeDays: z.number().int().min(0).max(3650).optional(),
    pollEnabled: z.boolean().default(true),
    pollIntervalS: z.number().int().min(5).max(86400).default(300),
    webhooksEnabled: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'shopify' && !b.shopDomain) ctx.addIssue({ code: 'custom', path: ['shopDomain'], message: 'required for shopify' });
    if (b.kind === 'woocommerce' && !b.siteUrl) ctx.addIssue({ code: 'custom', path: ['siteUrl'], message: 'required for woocommerce' });
  });
export type CreateConnector = z.infer<typeof createConnectorBody>;

export const updateConnectorBody = z.object({
  name: z.string().min(1).max(100).optional(),
  webhookSecret: z.string().min(8).max(500).optional(),
  apiToken: z.string().min(1).max(500).nullable().optional(),
  callbackUrl: z.url().nullable().optional(),
  skuMapping: z.enum(['sku', 'barcode']).optional(),
  minShelfLifeDays: z.number().int().min(0).max(3650).nullable().optional(),
  pollEnabled: z.boolean().optional(),
  pollIntervalS: z.number().int().min(5).max(86400).optional(),
  webhooksEnabled: z.boolean().optional(),
  active: z.boolean().optional(),
});

export const connectorView = z.object({
  id: z.string(),
  kind: connectorKind,
  name: z.string(),
  warehouseId: z.string(),
  shopDomain: z.string().nullable(),
  siteUrl: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  skuMapping: z.enum(['sku', 'barcode']),
  minShelfLifeDays: z.number().nullable(),
  pollEnabled: z.boolean(),
  pollIntervalS: z.number(),
  pollCursor: z.string().nullable(),
  webhooksEnabled: z.boolean(),
  active: z.boolean(),
  hasApiToken: z.boolean(),
  secretKeyId: z.string().describe('Id of the encryption key protecting the secrets (rotation)'),
  webhookUrls: z.object({ shopify: z.string().optional(), woocommerce: z.string().optional() }),
  createdAt: z.string(),
});
export type ConnectorView = z.infer<typeof connectorView>;

export const skuMappingsBody = z.object({
  mappings: z
    .array(z.object({ externalRef: z.string().min(1).max(200), skuCode: z.string().min(1).max(100) }))
    .min(1)
    .max(1000),
});

export const customerRuleBody = z.object({ customerKey: z.string().min(1).max(254), minShelfLifeDays: z.number().int().min(0).max(3650) });
