import type { EntitySchema } from '@mikro-orm/core';
import { Task } from './task.entity.js';
import { TaskLine } from './task-line.entity.js';
import { WorkerProfile } from './worker-profile.entity.js';
export * from './task.entity.js';
export * from './task-line.entity.js';
export * from './worker-profile.entity.js';

/** Every table the tasks context owns. */
export const tasksEntities = [Task, TaskLine, WorkerProfile] as unknown as EntitySchema[];
