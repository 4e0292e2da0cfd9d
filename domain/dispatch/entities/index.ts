import type { EntitySchema } from '@mikro-orm/core';
import { Driver } from './driver.entity.js';
import { DriverPosition } from './driver-position.entity.js';
import { PodPolicy } from './pod-policy.entity.js';
import { ProofOfDelivery } from './proof-of-delivery.entity.js';
import { ReturnExpectation } from './return-expectation.entity.js';
import { Route } from './route.entity.js';
import { RoutePlan } from './route-plan.entity.js';
import { RouteStop } from './route-stop.entity.js';
import { TrackingLink } from './tracking-link.entity.js';
import { Vehicle } from './vehicle.entity.js';
export * from './driver.entity.js';
export * from './driver-position.entity.js';
export * from './pod-policy.entity.js';
export * from './proof-of-delivery.entity.js';
export * from './return-expectation.entity.js';
export * from './route.entity.js';
export * from './route-plan.entity.js';
export * from './route-stop.entity.js';
export * from './tracking-link.entity.js';
export * from './vehicle.entity.js';

/** Every table the dispatch context owns. */
export const dispatchEntities = [
  Driver,
  DriverPosition,
  PodPolicy,
  ProofOfDelivery,
  ReturnExpectation,
  Route,
  RoutePlan,
  RouteStop,
  TrackingLink,
  Vehicle,
] as unknown as EntitySchema[];
