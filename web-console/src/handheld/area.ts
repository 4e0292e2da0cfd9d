import type { Area } from '../shell/areas';

const FLOOR = ['picker', 'packer', 'receiver', 'supervisor'];

/** The handheld flows: one task at a time, scan first. */
const handheld: Area = {
  id: 'handheld',
  screens: [
    { path: 'pick', label: 'flow.pick', roles: ['picker', 'supervisor'], order: 10, load: () => import('./pick') },
    { path: 'pack', label: 'flow.pack', roles: ['packer', 'supervisor'], order: 20, load: () => import('./pack') },
    { path: 'count', label: 'flow.count', roles: ['picker', 'receiver', 'supervisor'], order: 30, load: () => import('./count') },
    { path: 'receive', label: 'flow.receive', roles: ['receiver', 'supervisor'], order: 35, load: () => import('./receive') },
    { path: 'putaway', label: 'flow.putaway', roles: ['receiver', 'supervisor'], order: 36, load: () => import('./putaway') },
    { path: 'move', label: 'flow.move', roles: FLOOR, order: 50, load: () => import('./move') },
    {
      path: 'replenish',
      label: 'flow.replenish',
      roles: ['picker', 'receiver', 'supervisor'],
      order: 40,
      load: () => import('./replenish'),
    },
    { path: 'lookup', label: 'flow.lookup', roles: [...FLOOR, 'dispatcher'], order: 60, load: () => import('./lookup') },
    { path: 'selftest', label: 'flow.selftest', roles: [...FLOOR, 'dispatcher'], order: 80, load: () => import('./selftest') },
  ],
};
export default handheld;
