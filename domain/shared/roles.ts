import { z } from 'zod';

export const ROLES = ['admin', 'supervisor', 'receiver', 'picker', 'packer', 'dispatcher', 'driver'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who is acting: a person (with roles and warehouse scope) or an integration's API client. */
export interface Actor {
  kind: 'user' | 'api_client';
  id: string;
  username?: string;
  roles: Role[];
  /** Warehouses this actor may see. Admins see all (`allWarehouses`). */
  warehouseIds: string[];
  allWarehouses: boolean;
  scopes: string[];
  deviceId?: string;
}

export function canSeeWarehouse(actor: Actor, warehouseId: string): boolean {
  return actor.allWarehouses || actor.warehouseIds.includes(warehouseId);
}
