import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { eventSchemas } from '../../domain/events/catalogue.js';
import { PII_KEYS } from '../../domain/orders/privacy.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { packedShipment } from '../shipping/packed.js';
import type { AuditDetailsRow } from '../harness/rows.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { AuditLogRow } from '../../domain/identity/entities/audit-log.entity.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';
import type { AppUserRow } from '../../domain/identity/entities/app-user.entity.js';

type AuditActorRow = Pick<AuditLogRow, 'actor_id'> & AuditDetailsRow;
/**
 * OWASP API3:2023 Broken Object Property Level Authorization: a caller may neither write properties it does not own
 * (mass assignment) nor read properties its role should not see (excessive data exposure).
 */
let sys: TestSystem;
let admin: TestUser;
let sup: TestUser;
let picker: TestUser;
let packer: TestUser;
let orderId: string;
const customer = { externalId: 'c-42', email: 'anna@example.com', name: 'Anna de Vries', phone: '+31612345678' };
const shipTo = {
  name: 'Anna de Vries',
  address1: 'Coolsingel 40',
  city: 'Rotterdam',
  postcode: '3011 AD',
  country: 'NL',
  phone: '+31612345678',
  email: 'anna@example.com',
};

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.user('api3-admin', ['admin'], []);
  sup = await sys.user('api3-sup', ['supervisor'], [sys.wh1]);
  picker = await sys.user('api3-picker', ['picker'], [sys.wh1]);
  packer = await sys.user('api3-packer', ['packer'], [sys.wh1]);
  orderId = (await sqlOne<IdRow>(
    sys.rt.orm.em.fork(),
    `insert into sales_order (warehouse_id, external_id, source, currency, customer, ship_to) values (?, 'API3-1', 'api', 'EUR', ?::jsonb, ?::jsonb) returning id`,
    [sys.wh1, JSON.stringify(customer), JSON.stringify(shipTo)],
  ))!.id;
});
afterAll(async () => sys?.close());

const audits = () =>
  sql<AuditActorRow>(sys.rt.orm.em.fork(), `select actor_id, details from audit_log where action = 'customer_data.viewed' order by id`);

describe('API3 excessive data exposure: customer data by role', () => {
  it('pickers and packers get no customer email, phone or street; a supervisor does, and the view is audited', async () => {
    for (const u of [picker, packer]) {
      const r = await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: u.token });
      expect(r.status, r.text).toBe(200);
      for (const k of PII_KEYS) {
        expect(r.body.customer).not.toHaveProperty(k);
        expect(r.body.shipTo).not.toHaveProperty(k);
      }
      expect(r.text).not.toContain('anna@example.com');
      expect(r.text).not.toContain('+31612345678');
      expect(r.text).not.toContain('Coolsingel');
      expect(r.body.shipTo).toEqual({ name: 'Anna de Vries', city: 'Rotterdam', postcode: '3011 AD', country: 'NL' });
    }
    expect(await audits()).toEqual([]);
    const full = await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: sup.token });
    expect(full.body.customer).toEqual(customer);
    expect(full.body.shipTo).toEqual(shipTo);
    expect(await audits()).toEqual([{ actor_id: sup.id, details: { via: 'GET /v1/orders/:orderId', orderIds: [orderId], count: 1 } }]);
  });

  it('a packer reading shipments gets no street, phone or email either; a supervisor’s list read is audited', async () => {
    const { shipmentId } = await packedShipment(sys.rt.orm.em.fork(), sys.wh1, { orderId, shipTo });
    const one = await http('GET', `${sys.url}/v1/shipments/${shipmentId}`, { token: packer.token });
    expect(one.status, one.text).toBe(200);
    expect(one.text).not.toContain('Coolsingel');
    expect(one.text).not.toContain('anna@example.com');
    const list = await http('GET', `${sys.url}/v1/shipments?warehouseId=${sys.wh1}`, { token: packer.token });
    expect(list.text).not.toContain('+31612345678');
    const before = (await audits()).length;
    const supList = await http('GET', `${sys.url}/v1/shipments?warehouseId=${sys.wh1}`, { token: sup.token });
    expect(supList.text).toContain('Coolsingel');
    const after = await audits();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ actor_id: sup.id, details: { via: 'GET /v1/shipments', orderIds: [orderId] } });
  });

  it('no event in the catalogue (what sockets and webhooks carry) has an email, phone or street field', () => {
    const found: string[] = [];
    const walk = (s: z.ZodType, path: string) => {
      const def = (s as any)._zod?.def ?? (s as any).def;
      if (!def) return;
      if (def.type === 'object')
        for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) {
          if ((PII_KEYS as readonly string[]).includes(k)) found.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
      for (const inner of [def.innerType, def.element, def.in, def.out, ...(def.options ?? [])]) if (inner) walk(inner, path);
    };
    for (const [type, schema] of Object.entries(eventSchemas)) walk(schema as z.ZodType, type);
    expect(found).toEqual([]);
  });
});

describe('API3 mass assignment: properties a caller does not own are not written', () => {
  it('an order posted with status, id and version fields starts pending with its own id', async () => {
    const id = randomUUID();
    const r = await http('POST', `${sys.url}/v1/orders`, {
      token: sup.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        id,
        status: 'shipped',
        version: 99,
        warehouseId: sys.wh1,
        externalId: 'API3-MASS',
        currency: 'EUR',
        shipTo: { name: 'A', address1: 'B', city: 'C', country: 'NL' },
        lines: [{ sku: 'NOPE', qty: 1 }],
      },
    });
    expect(r.status, r.text).toBeLessThan(300);
    const row = await sqlOne<Pick<SalesOrderRow, 'id' | 'status' | 'version'>>(
      sys.rt.orm.em.fork(),
      `select id::text as id, status, version from sales_order where external_id = 'API3-MASS'`,
    );
    expect(row!.id).not.toBe(id);
    expect(row!.status).not.toBe('shipped');
    expect(row!.version).not.toBe(99);
  });

  it('a user update naming a password hash, token version or id is refused whole (400 naming them); a picker cannot patch users at all', async () => {
    const victim = await sys.user('api3-victim', ['picker'], [sys.wh1]);
    const before = await sqlOne<Pick<AppUserRow, 'password_hash' | 'token_version'>>(
      sys.rt.orm.em.fork(),
      'select password_hash, token_version from app_user where id = ?',
      [victim.id],
    );
    const r = await http('PATCH', `${sys.url}/v1/users/${victim.id}`, {
      token: admin.token,
      body: {
        displayName: 'Victim',
        passwordHash: 'scrypt$1$1$1$AAAA$BBBB',
        password_hash: 'x',
        tokenVersion: -1,
        id: admin.id,
        username: 'root',
      },
    });
    // The user schema is strict: unknown properties are refused by name (400), nothing is written.
    expect(r.status, r.text).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'body', code: 'unrecognized_keys' });
    expect(r.body.errors[0].message).toContain('passwordHash');
    const after = await sqlOne<Pick<AppUserRow, 'password_hash' | 'username' | 'display_name'>>(
      sys.rt.orm.em.fork(),
      'select password_hash, username, display_name from app_user where id = ?',
      [victim.id],
    );
    expect(after).toMatchObject({ password_hash: before!.password_hash, username: 'api3-victim', display_name: 'api3-victim' });
    expect((await http('PATCH', `${sys.url}/v1/users/${victim.id}`, { token: picker.token, body: { roles: ['admin'] } })).status).toBe(403);
  });
});
