import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { parseCsv } from '../catalog/csv.js';
import { openSecret, sealSecret, type KeyRing } from '../orders/secret-box.js';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { rateCardBody, rateCardUpload, type RateCardBody } from './rate-card.schemas.js';
import { zoneRowsFromCsv, type ZoneRow } from './zones.js';
import { Carrier, type CarrierRow } from './entities/carrier.entity.js';
import { CarrierService, type CarrierServiceRow } from './entities/carrier-service.entity.js';
import type { CarrierAccountRow } from './entities/carrier-account.entity.js';
import type { RateCardRow } from './entities/rate-card.entity.js';
import { ZoneChartRow } from './entities/zone-chart-row.entity.js';

/** Carriers, services, accounts, rate cards and zone charts: all rows, no code per carrier. */

export const carrierInput = z.object({
  code: z.string().regex(/^[a-z0-9-]{2,40}$/),
  name: z.string().min(1).max(100),
  mode: z.enum(['own_fleet', 'parcel', 'ltl', '3pl']),
  trackingUrlTemplate: z.string().max(300).nullable().optional(),
  trackingPrefix: z
    .string()
    .regex(/^[A-Z0-9]{1,6}$/)
    .default('DS'),
  holidays: z.array(z.iso.date()).default([]),
  services: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z0-9-]{1,40}$/),
        name: z.string().min(1).max(100),
        transitDaysByZone: z.record(z.string(), z.number().int().min(0).max(60)).default({}),
        defaultTransitDays: z.number().int().min(0).max(60).default(3),
        cutoffLocal: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
          .default('17:00'),
        timeZone: z.string().default('UTC'),
        pickupWeekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
        deliveryWeekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
        perishableOk: z.boolean().default(false),
        maxDeclaredValueMinor: z.number().int().min(0).nullable().default(null),
      }),
    )
    .min(1),
});
export type CarrierInput = z.input<typeof carrierInput>;

/** Creates or replaces a carrier and its services (by code). */
export async function upsertCarrier(em: EntityManager, input: CarrierInput): Promise<{ id: string }> {
  const c = carrierInput.parse(input);
  const row = (await sqlOne<Pick<CarrierRow, 'id'>>(
    em,
    `insert into carrier (code, name, mode, tracking_url_template, tracking_prefix, holidays) values (?, ?, ?, ?, ?, ?::date[])
    on conflict (code) do update set name = excluded.name, mode = excluded.mode, tracking_url_template = excluded.tracking_url_template,
      tracking_prefix = excluded.tracking_prefix, holidays = excluded.holidays returning id`,
    [c.code, c.name, c.mode, c.trackingUrlTemplate ?? null, c.trackingPrefix, `{${c.holidays.join(',')}}`],
  ))!;
  for (const s of c.services)
    await sql(
      em,
      `insert into carrier_service (carrier_id, code, name, transit_days_by_zone, default_transit_days, cutoff_local, time_zone,
        pickup_weekdays, delivery_weekdays, perishable_ok, max_declared_value_minor)
      values (?, ?, ?, ?::jsonb, ?, ?::time, ?, ?::int[], ?::int[], ?, ?)
      on conflict (carrier_id, code) do update set name = excluded.name, transit_days_by_zone = excluded.transit_days_by_zone,
        default_transit_days = excluded.default_transit_days, cutoff_local = excluded.cutoff_local, time_zone = excluded.time_zone,
        pickup_weekdays = excluded.pickup_weekdays, delivery_weekdays = excluded.delivery_weekdays, perishable_ok = excluded.perishable_ok,
        max_declared_value_minor = excluded.max_declared_value_minor, active = true`,
      [
        row.id,
        s.code,
        s.name,
        JSON.stringify(s.transitDaysByZone),
        s.defaultTransitDays,
        s.cutoffLocal,
        s.timeZone,
        `{${s.pickupWeekdays.join(',')}}`,
        `{${s.deliveryWeekdays.join(',')}}`,
        s.perishableOk,
        s.maxDeclaredValueMinor,
      ],
    );
  return row;
}

async function carrierId(em: EntityManager, code: string): Promise<string> {
  const c = await em.findOne(Carrier, { code }, { fields: ['id'], disableIdentityMap: true });
  if (!c) throw new NotFound('Carrier', code);
  return c.id;
}

/** A carrier account of a warehouse; API credentials and the webhook secret are sealed (AES-256-GCM, as connectors). */
export async function upsertCarrierAccount(
  em: EntityManager,
  ring: KeyRing,
  a: { warehouseId: string; carrier: string; accountNumber: string; credentials?: string | null; webhookSecret?: string | null },
): Promise<{ id: string }> {
  const cid = await carrierId(em, a.carrier);
  const aad = `carrier_account:${a.warehouseId}:${a.carrier}`;
  return (await sqlOne<Pick<CarrierAccountRow, 'id'>>(
    em,
    `insert into carrier_account (warehouse_id, carrier_id, account_number, credentials_enc, webhook_secret_enc) values (?, ?, ?, ?, ?)
    on conflict (warehouse_id, carrier_id, account_number) do update set credentials_enc = excluded.credentials_enc,
      webhook_secret_enc = excluded.webhook_secret_enc, active = true returning id`,
    [
      a.warehouseId,
      cid,
      a.accountNumber,
      a.credentials ? sealSecret(ring, a.credentials, `${aad}:credentials`) : null,
      a.webhookSecret ? sealSecret(ring, a.webhookSecret, `${aad}:webhook`) : null,
    ],
  ))!;
}

/** An active account's sealed webhook secret (the query keeps only accounts that have one). */
export type CarrierWebhookSecretRow = Pick<CarrierAccountRow, 'warehouse_id'> & { webhook_secret_enc: string };

/** Webhook secrets of a carrier's active accounts (any may sign: one per warehouse account). */
export async function carrierWebhookSecrets(em: EntityManager, ring: KeyRing, carrier: string): Promise<string[]> {
  const rows = await sql<CarrierWebhookSecretRow>(
    em,
    `select a.warehouse_id, a.webhook_secret_enc from carrier_account a join carrier c on c.id = a.carrier_id
    where c.code = ? and a.active and a.webhook_secret_enc is not null`,
    [carrier],
  );
  return rows.map((r) => openSecret(ring, r.webhook_secret_enc, `carrier_account:${r.warehouse_id}:${carrier}:webhook`));
}

/** Adds the next version of a service's rate card; versions are never edited, a new one supersedes by date. */
export async function addRateCard(em: EntityManager, input: z.input<typeof rateCardUpload>): Promise<{ id: string; version: number }> {
  const u = rateCardUpload.parse(input);
  const cid = await carrierId(em, u.carrier);
  const svc = await em.count(CarrierService, { carrier_id: cid, code: u.service });
  if (!svc) throw new NotFound('Service', `${u.carrier}/${u.service}`);
  const body = rateCardBody.parse(u.body);
  if (body.zoneChart) {
    const has = await em.findOne(ZoneChartRow, { chart_code: body.zoneChart }, { fields: ['chart_code'], disableIdentityMap: true });
    if (!has)
      throw new ValidationFailed(`Zone chart ${body.zoneChart} has no rows: import it first`, [
        { path: 'body.body.zoneChart', message: 'unknown zone chart' },
      ]);
  }
  await sql(em, 'select pg_advisory_xact_lock(hashtext(?))', [`rate_card:${cid}:${u.service}`]);
  return (await sqlOne<Pick<RateCardRow, 'id' | 'version'>>(
    em,
    `insert into rate_card (carrier_id, service_code, version, effective_from, effective_to, currency, body)
    values (?, ?, (select coalesce(max(version), 0) + 1 from rate_card where carrier_id = ? and service_code = ?), ?::date, ?::date, ?, ?::jsonb)
    returning id, version`,
    [cid, u.service, cid, u.service, u.effectiveFrom, u.effectiveTo ?? null, u.currency.toUpperCase(), JSON.stringify(body)],
  ))!;
}

/** Replaces a zone chart from a CSV stream, all or nothing; every bad line is reported (422). */
export async function importZoneChart(
  em: EntityManager,
  chartCode: string,
  csv: AsyncIterable<string | Buffer>,
): Promise<{ rows: number }> {
  const records = [];
  for await (const r of parseCsv(csv)) records.push(r);
  const { rows, errors } = zoneRowsFromCsv(records);
  if (errors.length)
    throw new ValidationFailed(
      `${errors.length} bad line(s) in the zone chart`,
      errors.slice(0, 100).map((e) => ({ path: `body.line.${e.line}`, message: e.message })),
      'zone-chart-invalid',
    );
  await em.nativeDelete(ZoneChartRow, { chart_code: chartCode });
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await sql(
      em,
      `insert into zone_chart_row (chart_code, origin_prefix, dest_from, dest_to, zone)
      select ?, o, f, t, z from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as x(o, f, t, z)`,
      [
        chartCode,
        pgText(chunk.map((r) => r.originPrefix)),
        pgText(chunk.map((r) => r.destFrom)),
        pgText(chunk.map((r) => r.destTo)),
        pgText(chunk.map((r) => r.zone)),
      ],
    );
  }
  return { rows: rows.length };
}

const pgText = (xs: string[]) => `{${xs.map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

export interface ServiceRow {
  carrier: string;
  carrierName: string;
  mode: 'own_fleet' | 'parcel' | 'ltl' | '3pl';
  trackingPrefix: string;
  trackingUrlTemplate: string | null;
  holidays: string[];
  service: string;
  serviceName: string;
  transitDaysByZone: Record<string, number>;
  defaultTransitDays: number;
  cutoffLocal: string;
  timeZone: string;
  pickupWeekdays: number[];
  deliveryWeekdays: number[];
  perishableOk: boolean;
  maxDeclaredValueMinor: number | null;
  card: { id: string; version: number; currency: string; body: RateCardBody } | null;
}

/** A service joined with its carrier and the rate card in force (raw SQL: a lateral join, dates and times as text). */
export type ServiceOnRow = Pick<CarrierRow, 'mode' | 'tracking_prefix' | 'tracking_url_template'> &
  Pick<
    CarrierServiceRow,
    | 'transit_days_by_zone'
    | 'default_transit_days'
    | 'time_zone'
    | 'pickup_weekdays'
    | 'delivery_weekdays'
    | 'perishable_ok'
    | 'max_declared_value_minor'
  > & {
    carrier: CarrierRow['code'];
    carrier_name: CarrierRow['name'];
    holidays: string[] | null;
    service: CarrierServiceRow['code'];
    service_name: CarrierServiceRow['name'];
    cutoff: string;
    card_id: RateCardRow['id'] | null;
    version: RateCardRow['version'];
    currency: RateCardRow['currency'];
    body: RateCardRow['body'];
  };

/** Every active service with the rate card in force on `day` (the highest version whose dates cover it). */
export async function servicesOn(em: EntityManager, day: string): Promise<ServiceRow[]> {
  const rows = await sql<ServiceOnRow>(
    em,
    `select c.code as carrier, c.name as carrier_name, c.mode, c.tracking_prefix, c.tracking_url_template,
      array(select to_char(h, 'YYYY-MM-DD') from unnest(c.holidays) h) as holidays,
      s.code as service, s.name as service_name, s.transit_days_by_zone, s.default_transit_days, to_char(s.cutoff_local, 'HH24:MI') as cutoff,
      s.time_zone, s.pickup_weekdays, s.delivery_weekdays, s.perishable_ok, s.max_declared_value_minor,
      rc.id as card_id, rc.version, rc.currency, rc.body
    from carrier c join carrier_service s on s.carrier_id = c.id
    left join lateral (select * from rate_card r where r.carrier_id = c.id and r.service_code = s.code and r.effective_from <= ?::date
      and (r.effective_to is null or r.effective_to > ?::date) order by r.version desc limit 1) rc on true
    where c.active and s.active order by c.code, s.code`,
    [day, day],
  );
  return rows.map((r) => ({
    carrier: r.carrier,
    carrierName: r.carrier_name,
    mode: r.mode,
    trackingPrefix: r.tracking_prefix,
    trackingUrlTemplate: r.tracking_url_template,
    holidays: r.holidays ?? [],
    service: r.service,
    serviceName: r.service_name,
    transitDaysByZone: (r.transit_days_by_zone ?? {}) as Record<string, number>,
    defaultTransitDays: Number(r.default_transit_days),
    cutoffLocal: r.cutoff,
    timeZone: r.time_zone,
    pickupWeekdays: r.pickup_weekdays,
    deliveryWeekdays: r.delivery_weekdays,
    perishableOk: r.perishable_ok,
    maxDeclaredValueMinor: r.max_declared_value_minor == null ? null : Number(r.max_declared_value_minor),
    card: r.card_id ? { id: r.card_id, version: r.version, currency: String(r.currency).trim(), body: rateCardBody.parse(r.body) } : null,
  }));
}

export async function zoneRows(em: EntityManager, charts: string[]): Promise<Map<string, ZoneRow[]>> {
  const out = new Map<string, ZoneRow[]>();
  if (!charts.length) return out;
  const rows = await em.find(
    ZoneChartRow,
    { chart_code: { $in: charts } },
    { fields: ['chart_code', 'origin_prefix', 'dest_from', 'dest_to', 'zone'], disableIdentityMap: true },
  );
  for (const r of rows)
    (out.get(r.chart_code) ?? out.set(r.chart_code, []).get(r.chart_code)!).push({
      originPrefix: r.origin_prefix,
      destFrom: r.dest_from,
      destTo: r.dest_to,
      zone: r.zone,
    });
  return out;
}
