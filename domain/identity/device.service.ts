/**
 * The handheld registry and the user's language. A device registers itself under a name at the dock (the id
 * is the one it sends at sign-in and that ends up on every movement it makes); each sign-in and each
 * registration records who used it last, and when. The language is the user's, not the device's: it follows
 * them to whichever handheld they pick up.
 */
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sqlOne } from '../shared/sql.js';
import { recordAudit } from './audit.js';
import { Device, type DeviceRow } from './entities/device.entity.js';
import { AppUser } from './entities/app-user.entity.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export const localeSchema = z.enum(LOCALES);
export const deviceIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
export const registerDeviceBody = z.object({
  name: z.string().trim().min(1).max(40),
  warehouseId: z.uuid().optional(),
});
export const deviceView = z.object({
  id: z.string(),
  name: z.string(),
  warehouseId: z.string().nullable(),
  userAgent: z.string().nullable(),
  registeredAt: z.string(),
  lastUserId: z.string().nullable(),
  lastUsername: z.string().nullable(),
  lastSeenAt: z.string(),
});
export type DeviceView = z.infer<typeof deviceView>;

/** Device views with the last user's name (read fresh: no identity map, the upsert above is raw SQL). */
async function deviceViews(em: EntityManager, devices: Device[]): Promise<DeviceView[]> {
  const userIds = [...new Set(devices.map((d) => d.last_user_id).filter((u): u is string => !!u))];
  const users = userIds.length ? await em.find(AppUser, { id: { $in: userIds } }, { fields: ['username'], disableIdentityMap: true }) : [];
  const nameOf = new Map(users.map((u) => [u.id, u.username]));
  return devices.map((r) => ({
    id: r.id,
    name: r.name,
    warehouseId: r.warehouse_id ?? null,
    userAgent: r.user_agent ?? null,
    registeredAt: new Date(r.registered_at).toISOString(),
    lastUserId: r.last_user_id ?? null,
    lastUsername: (r.last_user_id && nameOf.get(r.last_user_id)) ?? null,
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
  }));
}
export type RegisterDeviceRow = Pick<DeviceRow, 'warehouse_id'> & { created: boolean };

/** Registers (or renames, or moves to another warehouse) a device; the signed-in user is its last user. */
export async function registerDevice(
  tx: EntityManager,
  actor: Actor,
  id: string,
  body: z.infer<typeof registerDeviceBody>,
  userAgent: string | undefined,
): Promise<{ device: DeviceView; created: boolean }> {
  if (body.warehouseId && !canSeeWarehouse(actor, body.warehouseId)) throw new NotFound('Warehouse', body.warehouseId);
  const row = (await sqlOne<RegisterDeviceRow>(
    tx,
    `insert into device (id, name, warehouse_id, user_agent, registered_by, last_user_id) values (?, ?, ?, ?, ?, ?)
     on conflict (id) do update set name = excluded.name, warehouse_id = coalesce(excluded.warehouse_id, device.warehouse_id),
       user_agent = coalesce(excluded.user_agent, device.user_agent), last_user_id = excluded.last_user_id, last_seen_at = now()
     returning (xmax = 0) as created, warehouse_id`,
    [id, body.name, body.warehouseId ?? null, userAgent?.slice(0, 300) ?? null, actor.id, actor.id],
  ))!;
  if (row.created)
    await recordAudit(tx, {
      actorType: 'user',
      actorId: actor.id,
      action: 'device.registered',
      objectType: 'device',
      objectId: id,
      warehouseId: row.warehouse_id ?? undefined,
      deviceId: id,
      details: { name: body.name },
    });
  const device = await tx.findOneOrFail(Device, { id }, { disableIdentityMap: true });
  return { device: (await deviceViews(tx, [device]))[0]!, created: row.created };
}

/** A sign-in from a registered device: it was last used by this user, now. Unknown ids change nothing. */
export async function touchDevice(em: EntityManager, deviceId: string | undefined, userId: string): Promise<void> {
  if (!deviceId) return;
  await em.nativeUpdate(Device, { id: deviceId }, { last_user_id: userId, last_seen_at: raw('now()') });
}

/** The devices of a warehouse, most recently seen first. */
export async function listDevices(em: EntityManager, warehouseId: string): Promise<DeviceView[]> {
  const devices = await em.find(
    Device,
    { warehouse_id: warehouseId },
    { orderBy: { last_seen_at: 'desc', id: 'asc' }, limit: 500, disableIdentityMap: true },
  );
  return deviceViews(em, devices);
}

/** Stores the user's language (it comes back with every sign-in, on any device). */
export async function setUserLocale(tx: EntityManager, userId: string, locale: z.infer<typeof localeSchema>): Promise<void> {
  await tx.nativeUpdate(AppUser, { id: userId }, { locale });
}
