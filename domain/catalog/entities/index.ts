import type { EntitySchema } from '@mikro-orm/core';
import { Sku } from './sku.entity.js';
import { SkuBarcode } from './sku-barcode.entity.js';
import { SkuUom } from './sku-uom.entity.js';
export * from './sku.entity.js';
export * from './sku-barcode.entity.js';
export * from './sku-uom.entity.js';

/** Every table the catalog context owns. */
export const catalogEntities = [Sku, SkuBarcode, SkuUom] as unknown as EntitySchema[];
