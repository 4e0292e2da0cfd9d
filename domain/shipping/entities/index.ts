import type { EntitySchema } from '@mikro-orm/core';
import { Carrier } from './carrier.entity.js';
import { CarrierAccount } from './carrier-account.entity.js';
import { CarrierService } from './carrier-service.entity.js';
import { Consignment } from './consignment.entity.js';
import { DeliveryArea } from './delivery-area.entity.js';
import { Manifest } from './manifest.entity.js';
import { RateCard } from './rate-card.entity.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentLabel } from './shipment-label.entity.js';
import { ShippingException } from './shipping-exception.entity.js';
import { ShippingSettings } from './shipping-settings.entity.js';
import { TrackingEvent } from './tracking-event.entity.js';
import { ZoneChartRow } from './zone-chart-row.entity.js';
export * from './carrier.entity.js';
export * from './carrier-account.entity.js';
export * from './carrier-service.entity.js';
export * from './consignment.entity.js';
export * from './delivery-area.entity.js';
export * from './manifest.entity.js';
export * from './rate-card.entity.js';
export * from './shipment.entity.js';
export * from './shipment-label.entity.js';
export * from './shipping-exception.entity.js';
export * from './shipping-settings.entity.js';
export * from './tracking-event.entity.js';
export * from './zone-chart-row.entity.js';

/** Every table the shipping context owns. */
export const shippingEntities = [
  Carrier,
  CarrierAccount,
  CarrierService,
  Consignment,
  DeliveryArea,
  Manifest,
  RateCard,
  Shipment,
  ShipmentLabel,
  ShippingException,
  ShippingSettings,
  TrackingEvent,
  ZoneChartRow,
] as unknown as EntitySchema[];
