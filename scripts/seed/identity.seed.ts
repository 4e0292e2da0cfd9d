import type { EntityManager } from '@mikro-orm/postgresql';
import { hashSecret } from '../../domain/identity/password.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import type { Role } from '../../domain/shared/roles.js';

export const DEMO_WAREHOUSE_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_WAREHOUSE2_ID = '00000000-0000-4000-8000-000000000002';

export const DEMO_LOGINS: { username: string; role: Role; badge?: string; pin?: string }[] = [
  { username: 'admin', role: 'admin' },
  { username: 'supervisor1', role: 'supervisor' },
  { username: 'receiver1', role: 'receiver', badge: 'BADGE-RECEIVER1', pin: '1234' },
  { username: 'picker1', role: 'picker', badge: 'BADGE-PICKER1', pin: '1234' },
  { username: 'picker2', role: 'picker', badge: 'BADGE-PICKER2', pin: '1234' },
  { username: 'packer1', role: 'packer', badge: 'BADGE-PACKER1', pin: '1234' },
  { username: 'dispatcher1', role: 'dispatcher' },
  { username: 'driver1', role: 'driver' },
];

/** Two warehouses (the second proves scoping) and one user per role; password = username. */
export async function seedIdentity(em: EntityManager): Promise<boolean> {
  if (await sqlOne(em, 'select 1 from app_user where username = ?', ['admin'])) return false;
  await sql(
    em,
    `insert into warehouse (id, code, name, timezone) values (?, 'WH1', 'Dockside Demo DC', 'Europe/Amsterdam'), (?, 'WH2', 'Overflow Site', 'Europe/Amsterdam') on conflict do nothing`,
    [DEMO_WAREHOUSE_ID, DEMO_WAREHOUSE2_ID],
  );
  await sql(em, 'insert into event_stream (warehouse_id) values (?), (?) on conflict do nothing', [DEMO_WAREHOUSE_ID, DEMO_WAREHOUSE2_ID]);
  for (const u of DEMO_LOGINS) {
    await sql(
      em,
      `insert into app_user (username, display_name, password_hash, badge_code, pin_hash, roles, warehouse_ids) values (?, ?, ?, ?, ?, ?::text[], ?::uuid[])`,
      [
        u.username,
        u.username.replace(/(\d+)$/, ' $1').replace(/^./, (c) => c.toUpperCase()),
        await hashSecret(u.username),
        u.badge ?? null,
        u.pin ? await hashSecret(u.pin) : null,
        `{${u.role}}`,
        u.role === 'admin' ? '{}' : `{${DEMO_WAREHOUSE_ID}}`,
      ],
    );
  }
  return true;
}
