/**
 * The needs-inspection flag of a SKU: receipts of a flagged SKU land in quarantine behind a quality
 * hold (receive.service.ts). Setting it is a quality decision, so it is audited with who, from what,
 * to what and why; SKUs are global, so the flag applies in every warehouse.
 */
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { NotFound } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { Sku, type SkuRow } from '../catalog/entities/sku.entity.js';
import type { inspectionBody, inspectionView } from './receiving.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type SetInspectionFlagRow = Pick<SkuRow, 'id' | 'code' | 'requires_inspection'>;

/** Sets or clears the flag by SKU id or code (idempotent: setting the current value changes and audits nothing). */
export async function setInspectionFlag(
  tx: EntityManager,
  actor: Actor,
  idOrCode: string,
  b: z.infer<typeof inspectionBody>,
): Promise<z.infer<typeof inspectionView>> {
  const sku: SetInspectionFlagRow | null = await tx.findOne(
    Sku,
    UUID.test(idOrCode) ? { $or: [{ id: idOrCode }, { code: idOrCode }] } : { code: idOrCode },
    { fields: ['id', 'code', 'requires_inspection'], lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  );
  if (!sku) throw new NotFound('SKU', idOrCode);
  const changed = sku.requires_inspection !== b.requiresInspection;
  if (changed) {
    await tx.nativeUpdate(Sku, { id: sku.id }, { requires_inspection: b.requiresInspection, updated_at: raw('now()') });
    await recordAudit(tx, {
      actorType: actor.kind,
      actorId: actor.id,
      action: 'sku.inspection_flag',
      objectType: 'sku',
      objectId: sku.id,
      deviceId: actor.deviceId,
      details: { code: sku.code, from: sku.requires_inspection, to: b.requiresInspection, reason: b.reason ?? null },
    });
  }
  return { skuId: sku.id, sku: sku.code, requiresInspection: b.requiresInspection, changed };
}
