import { randomUUID } from 'node:crypto';
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { ConnectorView, CreateConnector, customerRuleBody, skuMappingsBody, updateConnectorBody } from './connector.schemas.js';
import { openSecret, sealedKid, sealSecret, type KeyRing } from './secret-box.js';
import { urlShapeProblem } from './ssrf.js';
import { WebhookSubscription, type WebhookSubscriptionRow } from './entities/webhook-subscription.entity.js';
import { Sku } from '../catalog/entities/sku.entity.js';
import { Connector, type ConnectorRow } from './entities/connector.entity.js';
import { ConnectorSkuMap } from './entities/connector-sku-map.entity.js';
import { CustomerAllocationRule } from './entities/customer-allocation-rule.entity.js';
import { Warehouse } from '../layout/entities/warehouse.entity.js';

/** A connector row (its secrets still sealed). */
export type { ConnectorRow };

// The AAD binds each ciphertext to its connector and field, so a sealed value cannot be swapped between rows.
const aad = (id: string, field: string) => `connector:${id}:${field}`;

/** The connector's webhook secret in clear (server-side use only). */
export function webhookSecretOf(ring: KeyRing, c: Pick<ConnectorRow, 'id' | 'webhook_secret_enc'>): string {
  return openSecret(ring, c.webhook_secret_enc, aad(c.id, 'webhook_secret'));
}

/** The connector's storefront API credential in clear, if any. */
export function apiTokenOf(ring: KeyRing, c: Pick<ConnectorRow, 'id' | 'api_token_enc'>): string | undefined {
  return c.api_token_enc ? openSecret(ring, c.api_token_enc, aad(c.id, 'api_token')) : undefined;
}

export function toConnectorView(c: ConnectorRow, publicBase = ''): ConnectorView {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    warehouseId: c.warehouse_id,
    shopDomain: c.shop_domain,
    siteUrl: c.site_url,
    callbackUrl: c.callback_url,
    skuMapping: c.sku_mapping,
    minShelfLifeDays: c.min_shelf_life_days,
    pollEnabled: c.poll_enabled,
    pollIntervalS: c.poll_interval_s,
    pollCursor: c.poll_cursor ? new Date(c.poll_cursor).toISOString() : null,
    webhooksEnabled: c.webhooks_enabled,
    active: c.active,
    hasApiToken: !!c.api_token_enc,
    secretKeyId: sealedKid(c.webhook_secret_enc) ?? '',
    webhookUrls: c.kind === 'api' ? {} : { [c.kind]: `${publicBase}/v1/webhooks/${c.kind}/${c.id}` },
    createdAt: new Date(c.created_at).toISOString(),
  };
}

export async function getConnectorRow(em: EntityManager, id: string): Promise<ConnectorRow | undefined> {
  return sqlOne<ConnectorRow>(em, 'select * from connector where id = ?', [id]);
}

/** A connector the actor may see, else NotFound. */
export async function getConnector(em: EntityManager, actor: Actor, id: string): Promise<ConnectorRow> {
  const c = await getConnectorRow(em, id);
  if (!c || !canSeeWarehouse(actor, c.warehouse_id)) throw new NotFound('Connector', id);
  return c;
}

/** Callback and store URLs must be https outside development/test (the sender refuses http there too). */
function assertUrlPolicy(urls: Record<string, string | null | undefined>, allowHttp: boolean): void {
  for (const [path, url] of Object.entries(urls)) {
    const problem = url ? urlShapeProblem(url, allowHttp) : undefined;
    if (problem) throw new ValidationFailed(`${path}: ${problem}`, [{ path, message: problem }]);
  }
}

export async function createConnector(
  em: EntityManager,
  actor: Actor,
  ring: KeyRing,
  b: CreateConnector,
  net: { allowHttp: boolean } = { allowHttp: false },
): Promise<ConnectorRow> {
  assertUrlPolicy({ callbackUrl: b.callbackUrl, siteUrl: b.siteUrl }, net.allowHttp);
  if (!canSeeWarehouse(actor, b.warehouseId) || !(await em.count(Warehouse, { id: b.warehouseId })))
    throw new NotFound('Warehouse', b.warehouseId);
  if (await em.count(Connector, { warehouse_id: b.warehouseId, name: b.name }))
    throw new Conflict(`A connector named ${b.name} exists in this warehouse`, 'connector-name-taken');
  // The id is chosen first: the sealed secrets' associated data names it.
  const id = randomUUID();
  const row = (await sqlOne<ConnectorRow>(
    em,
    `insert into connector (id, warehouse_id, kind, name, shop_domain, site_url, callback_url, sku_mapping,
      webhook_secret_enc, api_token_enc, min_shelf_life_days, poll_enabled, poll_interval_s, webhooks_enabled)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [
      id,
      b.warehouseId,
      b.kind,
      b.name,
      b.shopDomain ?? null,
      b.siteUrl?.replace(/\/+$/, '') ?? null,
      b.callbackUrl?.replace(/\/+$/, '') ?? null,
      b.skuMapping,
      sealSecret(ring, b.webhookSecret, aad(id, 'webhook_secret')),
      b.apiToken ? sealSecret(ring, b.apiToken, aad(id, 'api_token')) : null,
      b.minShelfLifeDays ?? null,
      b.pollEnabled,
      b.pollIntervalS,
      b.webhooksEnabled,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'connector.created',
    objectType: 'connector',
    objectId: id,
    warehouseId: b.warehouseId,
    details: { kind: b.kind, name: b.name },
  });
  return row;
}

export async function updateConnector(
  em: EntityManager,
  actor: Actor,
  ring: KeyRing,
  id: string,
  b: z.infer<typeof updateConnectorBody>,
  net: { allowHttp: boolean } = { allowHttp: false },
): Promise<ConnectorRow> {
  const c = await getConnector(em, actor, id);
  assertUrlPolicy({ callbackUrl: b.callbackUrl }, net.allowHttp);
  const set: string[] = [];
  const params: unknown[] = [];
  const put = (col: string, v: unknown) => {
    set.push(`${col} = ?`);
    params.push(v);
  };
  if (b.name !== undefined) put('name', b.name);
  if (b.webhookSecret !== undefined) put('webhook_secret_enc', sealSecret(ring, b.webhookSecret, aad(id, 'webhook_secret')));
  if (b.apiToken !== undefined) put('api_token_enc', b.apiToken === null ? null : sealSecret(ring, b.apiToken, aad(id, 'api_token')));
  if (b.callbackUrl !== undefined) put('callback_url', b.callbackUrl?.replace(/\/+$/, '') ?? null);
  if (b.skuMapping !== undefined) put('sku_mapping', b.skuMapping);
  if (b.minShelfLifeDays !== undefined) put('min_shelf_life_days', b.minShelfLifeDays);
  if (b.pollEnabled !== undefined) put('poll_enabled', b.pollEnabled);
  if (b.pollIntervalS !== undefined) put('poll_interval_s', b.pollIntervalS);
  if (b.webhooksEnabled !== undefined) put('webhooks_enabled', b.webhooksEnabled);
  if (b.active !== undefined) put('active', b.active);
  if (!set.length) return c;
  const row = (await sqlOne<ConnectorRow>(em, `update connector set ${set.join(', ')} where id = ? returning *`, [...params, id]))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'connector.updated',
    objectType: 'connector',
    objectId: id,
    warehouseId: c.warehouse_id,
    details: { fields: Object.keys(b) },
  });
  return row;
}

/** Re-encrypts every connector and subscription secret sealed with an older key (after a SECRETS_KEY rotation). */
export async function reencryptSecrets(em: EntityManager, ring: KeyRing): Promise<number> {
  let n = await reencryptConnectorSecrets(em, ring);
  const subs = await sql<Pick<WebhookSubscriptionRow, 'id' | 'secret_enc'>>(
    em,
    "select id, secret_enc from webhook_subscription where split_part(secret_enc, '.', 2) <> ? for update",
    [ring.currentKid],
  );
  for (const s of subs) {
    const aadSub = `subscription:${s.id}:secret`;
    await em.nativeUpdate(
      WebhookSubscription,
      { id: s.id },
      { secret_enc: sealSecret(ring, openSecret(ring, s.secret_enc, aadSub), aadSub) },
    );
    n++;
  }
  return n;
}

async function reencryptConnectorSecrets(em: EntityManager, ring: KeyRing): Promise<number> {
  const rows = await sql<ConnectorRow>(
    em,
    `select * from connector where split_part(webhook_secret_enc, '.', 2) <> ? or split_part(coalesce(api_token_enc, ''), '.', 2) not in ('', ?) for update`,
    [ring.currentKid, ring.currentKid],
  );
  let n = 0;
  for (const c of rows) {
    if (sealedKid(c.webhook_secret_enc) === ring.currentKid && (!c.api_token_enc || sealedKid(c.api_token_enc) === ring.currentKid))
      continue;
    const token = apiTokenOf(ring, c);
    await em.nativeUpdate(
      Connector,
      { id: c.id },
      {
        webhook_secret_enc: sealSecret(ring, webhookSecretOf(ring, c), aad(c.id, 'webhook_secret')),
        api_token_enc: token ? sealSecret(ring, token, aad(c.id, 'api_token')) : null,
      },
    );
    n++;
  }
  return n;
}

const connectorKeys = keyset(['time', 'uuid']);

/** A connector with its creation time to the microsecond (the cursor key). */
export type ConnectorPageRow = ConnectorRow & { created_us: string };

/** Connectors the actor may see, oldest first, keyset-paginated on (created_at, id) in SQL. */
export async function listConnectors(
  em: EntityManager,
  actor: Actor,
  q: { warehouseId?: string; cursor?: string; limit: number },
): Promise<{ items: ConnectorRow[]; nextCursor: string | null }> {
  // A named warehouse outside the caller's scope does not exist for them (as on every other list).
  if (q.warehouseId && !canSeeWarehouse(actor, q.warehouseId)) throw new NotFound('Warehouse', q.warehouseId);
  const after = connectorKeys.after(q.cursor);
  const rows = await sql<ConnectorPageRow>(
    em,
    `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us from connector
    where (?::uuid is null or warehouse_id = ?::uuid) and (?::boolean or warehouse_id = any(?::uuid[]))
      and (?::timestamptz is null or (created_at, id) > (?::timestamptz, ?::uuid))
    order by created_at, id limit ?`,
    [
      q.warehouseId ?? null,
      q.warehouseId ?? null,
      actor.allWarehouses,
      `{${actor.warehouseIds.join(',')}}`,
      after?.[0] ?? null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      q.limit + 1,
    ],
  );
  return connectorKeys.page(rows, q.limit, (r) => [r.created_us, r.id]);
}

/** Upserts storefront-reference → SKU mappings; unknown SKU codes are reported, nothing is written for them. */
export async function putSkuMappings(
  em: EntityManager,
  actor: Actor,
  connectorId: string,
  b: z.infer<typeof skuMappingsBody>,
): Promise<number> {
  const c = await getConnector(em, actor, connectorId);
  const codes = [...new Set(b.mappings.map((m) => m.skuCode))];
  const skus = await em.find(Sku, { code: { $in: codes } }, { fields: ['id', 'code'], disableIdentityMap: true });
  const byCode = new Map(skus.map((s) => [s.code, s.id]));
  const missing = codes.filter((code) => !byCode.has(code));
  if (missing.length)
    throw new ValidationFailed(
      `Unknown SKU codes: ${missing.join(', ')}`,
      missing.map((m) => ({ path: 'mappings.skuCode', message: `unknown SKU ${m}` })),
    );
  for (const m of b.mappings) {
    await em
      .createQueryBuilder(ConnectorSkuMap)
      .insert({ connector_id: connectorId, external_ref: m.externalRef, sku_id: byCode.get(m.skuCode)! })
      .onConflict(['connector_id', 'external_ref'])
      .merge(['sku_id'])
      .execute();
  }
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'connector.sku_mapped',
    objectType: 'connector',
    objectId: connectorId,
    warehouseId: c.warehouse_id,
    details: { count: b.mappings.length },
  });
  return b.mappings.length;
}

export async function putCustomerRule(
  em: EntityManager,
  actor: Actor,
  connectorId: string,
  b: z.infer<typeof customerRuleBody>,
): Promise<void> {
  await getConnector(em, actor, connectorId);
  await em
    .createQueryBuilder(CustomerAllocationRule)
    .insert({ connector_id: connectorId, customer_key: b.customerKey.toLowerCase(), min_shelf_life_days: b.minShelfLifeDays })
    .onConflict(['connector_id', 'customer_key'])
    .merge(['min_shelf_life_days'])
    .execute();
}
