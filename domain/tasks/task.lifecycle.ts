import { defineLifecycle } from '../shared/lifecycle.js';

/**
 * The task lifecycle (`task.status`): created open; a claim takes it (claimed), the first action starts it
 * (in_progress); the holder finishes it (done) or gives it back (open, also on lease expiry or reassignment);
 * a supervisor, a wave cancel or a put-back cancels it. A put-back task with picked units can be finished while open.
 */
export const taskLifecycle = defineLifecycle({
  name: 'Task',
  table: 'task',
  initial: ['open'],
  moves: {
    open: ['claimed', 'done', 'cancelled'],
    claimed: ['open', 'in_progress', 'done', 'cancelled'],
    in_progress: ['open', 'done', 'cancelled'],
    done: [],
    cancelled: [],
  },
});
export type TaskStatus = (typeof taskLifecycle.states)[number];
