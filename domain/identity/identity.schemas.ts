import { z } from 'zod';
import { roleSchema } from '../shared/roles.js';

export const loginBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
  deviceId: z.string().max(100).optional(),
});
export const badgeLoginBody = z.object({
  badge: z.string().min(1).max(100),
  pin: z.string().regex(/^\d{4,8}$/, 'PIN must be 4 to 8 digits'),
  deviceId: z.string().max(100).optional(),
});
export const refreshBody = z.object({ refreshToken: z.string().min(10).max(200), deviceId: z.string().max(100).optional() });
export const tokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
  tokenType: z.literal('Bearer'),
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(roleSchema),
    warehouseIds: z.array(z.string()),
    locale: z.enum(['en', 'zh-CN']).nullable().describe("The user's language (PUT /v1/me/locale); null until chosen"),
  }),
});

export const createUserBody = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,50}$/, 'lowercase letters, digits, dot, dash, underscore; 2-50 chars'),
  displayName: z.string().min(1).max(100),
  password: z.string().min(8).max(200),
  roles: z.array(roleSchema).min(1),
  warehouseIds: z.array(z.uuid()).default([]),
  badgeCode: z.string().min(4).max(50).optional(),
  pin: z
    .string()
    .regex(/^\d{4,8}$/)
    .optional(),
});
export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  warehouseIds: z.array(z.string()),
  active: z.boolean(),
  hasBadge: z.boolean(),
});

export const createApiClientBody = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(z.string().regex(/^[a-z_]+:(read|write)$/)).min(1),
  warehouseIds: z.array(z.uuid()).min(1),
});
export const apiClientCreated = z.object({
  id: z.string(),
  name: z.string(),
  apiKey: z.string().describe('shown once'),
  scopes: z.array(z.string()),
});

export const updateUserBody = z
  .object({
    roles: z.array(roleSchema).min(1).optional(),
    warehouseIds: z.array(z.uuid()).optional(),
    active: z.boolean().optional().describe('false disables the user: every token and session stops working'),
    displayName: z.string().min(1).max(100).optional(),
  })
  .strict();
export const apiClientView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  warehouseIds: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
