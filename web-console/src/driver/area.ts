import type { Area } from '../shell/areas';

/** The driver's phone screen: today's route stop by stop. */
const driver: Area = {
  id: 'driver',
  screens: [
    { path: 'driver', label: { en: 'My route', 'zh-CN': '我的路线' }, roles: ['driver'], order: 1, load: () => import('./driver-app') },
  ],
};
export default driver;
