import type { Area } from '../shell/areas';

/** The dispatcher's desktop screens: the live board and the service metrics. */
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
  ],
};
export default dispatch;
