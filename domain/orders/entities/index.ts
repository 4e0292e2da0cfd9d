import type { EntitySchema } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import { ConnectorSkuMap } from './connector-sku-map.entity.js';
import { CustomerAllocationRule } from './customer-allocation-rule.entity.js';
import { IntakeDeadLetter } from './intake-dead-letter.entity.js';
import { OrderLine } from './order-line.entity.js';
import { OrderLog } from './order-log.entity.js';
import { OutboundDelivery } from './outbound-delivery.entity.js';
import { SalesOrder } from './sales-order.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookDispatchCursor } from './webhook-dispatch-cursor.entity.js';
import { WebhookSubscription } from './webhook-subscription.entity.js';
export * from './connector.entity.js';
export * from './connector-sku-map.entity.js';
export * from './customer-allocation-rule.entity.js';
export * from './intake-dead-letter.entity.js';
export * from './order-line.entity.js';
export * from './order-log.entity.js';
export * from './outbound-delivery.entity.js';
export * from './sales-order.entity.js';
export * from './webhook-delivery.entity.js';
export * from './webhook-dispatch-cursor.entity.js';
export * from './webhook-subscription.entity.js';

/** Every table the orders context owns. */
export const ordersEntities = [
  Connector,
  ConnectorSkuMap,
  CustomerAllocationRule,
  IntakeDeadLetter,
  OrderLine,
  OrderLog,
  OutboundDelivery,
  SalesOrder,
  WebhookDelivery,
  WebhookDispatchCursor,
  WebhookSubscription,
] as unknown as EntitySchema[];
