import type { Area } from '../shell/areas';

/** Desktop views for the people who run the floor. */
const supervisor: Area = {
  id: 'supervisor',
  screens: [
    { path: 'board', label: 'flow.supervisor', roles: ['supervisor'], order: 5, layout: 'desktop', load: () => import('./board') },
    { path: 'feed', label: 'flow.feed', roles: ['supervisor', 'dispatcher'], order: 90, layout: 'desktop', load: () => import('./feed') },
  ],
};
export default supervisor;
