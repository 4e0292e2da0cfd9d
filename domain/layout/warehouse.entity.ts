import { defineEntity, p } from '@mikro-orm/core';

export const Warehouse = defineEntity({
  name: 'Warehouse',
  tableName: 'warehouse',
  properties: {
    id: p.uuid().primary(),
    code: p.string(),
    name: p.string(),
    timezone: p.string(),
    createdAt: p.datetime().fieldName('created_at'),
  },
});
