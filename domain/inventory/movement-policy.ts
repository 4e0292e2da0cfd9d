/**
 * Least privilege on the floor: which roles may post which ledger movement by hand, and why. Stock that appears
 * (receipt, return) or disappears (adjust, scrap) outside a flow needs a role that answers for it and a reason code
 * from a fixed list, and leaves an audit entry; an adjustment by hand is a supervisor's call, so a counter cannot
 * sidestep count approval by posting the difference. Releasing someone else's reservation is a supervisor's call
 * too. Flows (counts, receiving, picking, packing) post their movements themselves and are not limited here.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import type { Actor, Role } from '../shared/roles.js';
import type { Movement, MovementType } from './ledger.types.js';

/** Roles that may post each movement type by hand (admins always may). */
export const MOVEMENT_ROLES: Record<MovementType, readonly Role[]> = {
  receipt: ['supervisor', 'receiver'],
  return: ['supervisor', 'receiver'],
  putaway: ['supervisor', 'receiver', 'picker', 'packer'],
  move: ['supervisor', 'receiver', 'picker', 'packer'],
  pick: ['supervisor', 'picker'],
  pack: ['supervisor', 'packer'],
  ship: ['supervisor'],
  adjust: ['supervisor'],
  count: ['supervisor'],
  scrap: ['supervisor'],
};
/** Types an integration (API client with inventory:write) may post: goods in and between locations, nothing written off. */
const CLIENT_TYPES: readonly MovementType[] = ['receipt', 'return', 'putaway', 'move'];

/** Reason codes a movement that creates or destroys stock must carry, per type. */
export const MOVEMENT_REASON_CODES = {
  receipt: ['unplanned-receipt', 'found', 'transfer-in', 'initial-stock', 'supplier-delivery'],
  return: ['customer-return', 'carrier-return', 'refused-delivery'],
  adjust: ['found', 'lost', 'damaged', 'data-correction', 'status-change', 'theft'],
  count: ['count-correction'],
  scrap: ['damaged', 'expired', 'quality-reject', 'recall', 'sample'],
} as const satisfies Partial<Record<MovementType, readonly string[]>>;
export type ReasonedType = keyof typeof MOVEMENT_REASON_CODES;
const isReasoned = (t: MovementType): t is ReasonedType => t in MOVEMENT_REASON_CODES;

/** Reasons for releasing reservations by hand. */
export const RELEASE_REASON_CODES = ['order-cancelled', 'wrong-allocation', 'stock-damaged', 'stock-missing', 'reallocate'] as const;
export const releaseReasonSchema = z.enum(RELEASE_REASON_CODES);

/**
 * Throws 403 when the actor may not post `type` by hand, 422 (naming body.reasonCode) when a reasoned type comes
 * without a valid code. `path` names the field that carries the type (body.type).
 */
export function assertMayPostMovement(actor: Actor, type: MovementType, reasonCode: string | undefined, path = 'body.type'): void {
  if (actor.kind === 'api_client') {
    if (!CLIENT_TYPES.includes(type)) throw new Forbidden(`An API client may not post ${type} movements (${path})`);
  } else if (!actor.roles.includes('admin') && !MOVEMENT_ROLES[type].some((r) => actor.roles.includes(r))) {
    throw new Forbidden(`A ${type} movement needs one of the roles: ${MOVEMENT_ROLES[type].join(', ')} (${path})`);
  }
  if (isReasoned(type)) {
    const codes: readonly string[] = MOVEMENT_REASON_CODES[type];
    if (!reasonCode || !codes.includes(reasonCode))
      throw new ValidationFailed(
        `A ${type} movement needs a reason code: one of ${codes.join(', ')}`,
        [{ path: 'body.reasonCode', message: reasonCode ? `not a ${type} reason` : 'required', code: 'reason-code' }],
        'reason-code-required',
      );
  }
}

/** Whether a hand-posted movement of this type leaves an audit entry (then it is posted in one transaction with it). */
export const needsAudit = (type: MovementType): boolean => isReasoned(type);

/** The audit entry of a hand-posted movement that created or destroyed stock (receipt, return, adjust, count, scrap). */
export async function auditManualMovement(tx: EntityManager, actor: Actor, mv: Movement, reasonCode: string | undefined): Promise<void> {
  if (!isReasoned(mv.type as MovementType)) return;
  await recordAudit(tx, {
    actorType: actor.kind,
    actorId: actor.id,
    action: `stock.${mv.type}`,
    objectType: 'stock_movement',
    objectId: mv.id,
    warehouseId: mv.warehouseId,
    deviceId: actor.deviceId,
    details: { reasonCode, skuId: mv.skuId, qty: mv.qty, fromLocationId: mv.fromLocationId, toLocationId: mv.toLocationId },
  });
}
