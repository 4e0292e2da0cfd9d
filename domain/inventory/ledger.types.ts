/** Shapes of the inventory ledger contract (domain/inventory/ledger.service.ts). */
import type { Movement, Reservation, ReserveResult } from './inventory.schemas.js';

/** What the ledger answers, as the API documents it (inferred from the zod views). */
export type { Movement, Reservation, ReserveResult };

export const MOVEMENT_TYPES = ['receipt', 'putaway', 'move', 'pick', 'pack', 'ship', 'adjust', 'count', 'return', 'scrap'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const STOCK_STATUSES = ['available', 'quarantine', 'damaged'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

/** Virtual locations: the other side of a movement that enters or leaves the warehouse's real locations. */
export const VIRTUAL_LOCATIONS = ['supplier', 'customer', 'adjustment', 'scrap'] as const;
export type VirtualLocation = (typeof VIRTUAL_LOCATIONS)[number];

/** Identifies one balance row: where, which lot/expiry (yyyy-mm-dd), in which LPN, in which status. */
export interface StockKey {
  locationId: string;
  lot?: string | null;
  expiry?: string | null;
  lpnId?: string | null;
  status?: StockStatus;
}

export interface PostMovementCmd {
  warehouseId: string;
  type: MovementType;
  skuId: string;
  qty: number;
  /** Missing = a virtual location (supplier for receipts, customer for returns, adjustment otherwise). */
  from?: StockKey;
  /** Missing = a virtual location (customer for pick/pack/ship, scrap for scrap, adjustment otherwise). */
  to?: StockKey;
  fromVirtual?: VirtualLocation;
  toVirtual?: VirtualLocation;
  reasonCode?: string;
  userId?: string;
  deviceId?: string;
  refType?: string;
  refId?: string;
}

export interface ReserveCmd {
  warehouseId: string;
  skuId: string;
  qty: number;
  refType: 'order_line' | 'task' | (string & {});
  refId: string;
  locationId?: string;
  lot?: string;
  /** Only stock expiring on or after this date (yyyy-mm-dd), e.g. a customer's minimum remaining shelf life. */
  minExpiryDate?: string;
  allowPartial?: boolean;
  excludeLocationIds?: string[];
  userId?: string;
}

export type ReleaseSelector = { refType: string; refId: string } | { reservationIds: string[] };

export interface ConsumeCmd {
  qty: number;
  to: StockKey;
  type?: 'pick' | MovementType;
  userId?: string;
  deviceId?: string;
  /** Keep the unconsumed rest pending (e.g. a pick in several trips); default false: the rest is released. */
  keepRemainder?: boolean;
}
