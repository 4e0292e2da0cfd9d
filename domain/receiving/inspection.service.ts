/**
 * The needs-inspection flag of a SKU: receipts of a flagged SKU land in quarantine behind a quality
 * hold (receive.service.ts). Setting it is a quality decision, so it is audited with who, from what,
 * to what and why; SKUs are global, so the flag applies in every warehouse.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { NotFound } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sqlOne } from '../shared/sql.js';
import type { inspectionBody, inspectionView } from './receiving.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type SetInspectionFlagRow = { id: string; code: string; requires_inspection: boolean };

/** Sets or clears the flag by SKU id or code (idempotent: setting the current value changes and audits nothing). */
export async function setInspectionFlag(
  tx: EntityManager,
  actor: Actor,
  idOrCode: string,
  b: z.infer<typeof inspectionBody>,
): Promise<z.infer<typeof inspectionView>> {
  const sku = await sqlOne<SetInspectionFlagRow>(
    tx,
    UUID.test(idOrCode)
      ? 'select id, code, requires_inspection from sku where id = ?::uuid or code = ? for update'
      : 'select id, code, requires_inspection from sku where code = ? for update',
    UUID.test(idOrCode) ? [idOrCode, idOrCode] : [idOrCode],
  );
  if (!sku) throw new NotFound('SKU', idOrCode);
  const changed = sku.requires_inspection !== b.requiresInspection;
  if (changed) {
    await sqlOne(tx, 'update sku set requires_inspection = ?, updated_at = now() where id = ? returning id', [
      b.requiresInspection,
      sku.id,
    ]);
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
