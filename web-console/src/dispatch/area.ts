import type { Area } from '../shell/areas';

/** The dispatcher's desktop screens: the live board, planning the day and the service metrics. */
const dispatch: Area = {
  id: 'dispatch',
  screens: [
    {
      path: 'dispatch',
      label: { en: 'Dispatch board', 'zh-CN': '调度看板' },
      roles: ['dispatcher', 'supervisor'],
      order: 6,
      layout: 'desktop',
      load: () => import('./board'),
    },
    {
      path: 'dispatch/plan',
      label: { en: 'Plan the day', 'zh-CN': '当日排线' },
      roles: ['dispatcher', 'supervisor'],
      order: 6.5,
      layout: 'desktop',
      load: () => import('./plan-screen'),
    },
    {
      path: 'dispatch/metrics',
      label: { en: 'Service metrics', 'zh-CN': '服务指标' },
      roles: ['dispatcher', 'supervisor'],
      order: 7,
      layout: 'desktop',
      load: () => import('./metrics-screen'),
    },
  ],
};
export default dispatch;
