import type { EntitySchema } from '@mikro-orm/core';
import { ApiClient } from './api-client.entity.js';
import { AppUser } from './app-user.entity.js';
import { AuditLog } from './audit-log.entity.js';
import { Device } from './device.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
export * from './api-client.entity.js';
export * from './app-user.entity.js';
export * from './audit-log.entity.js';
export * from './device.entity.js';
export * from './refresh-token.entity.js';

/** Every table the identity context owns. */
export const identityEntities = [ApiClient, AppUser, AuditLog, Device, RefreshToken] as unknown as EntitySchema[];
