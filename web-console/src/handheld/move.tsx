import { t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowDef } from '../flows/framework';
import { me, reason } from '../flows/tasks';
import { resolveScan } from './resolve';

interface MoveCtx {
  warehouseId: string;
  lpn?: { id: string; code: string };
  moved?: string;
}

/** Move a license plate (pallet, tote) and everything in it: scan the plate, scan where it goes. */
export const moveFlow: FlowDef<MoveCtx> = {
  id: 'move',
  start: 'lpn',
  initial: () => ({ warehouseId: '' }),
  steps: {
    lpn: {
      prompt: () => t('move.scanLpn'),
      info: (c) => (c.moved ? <p data-testid="moved">{c.moved}</p> : null),
      scan: async (s, c) => {
        try {
          const r = await resolveScan(c.warehouseId, s.raw);
          if (r.match.kind !== 'lpn' || !r.match.lpn) return { verdict: 'wrong', message: t('move.notLpn') };
          return { verdict: 'right', next: 'to', ctx: { lpn: { id: r.match.lpn.id, code: r.match.lpn.code } } };
        } catch (e) {
          return { verdict: 'wrong', message: reason(e) };
        }
      },
    },
    to: {
      prompt: () => t('move.scanTo'),
      info: (c) => <p class="big mono">{c.lpn?.code}</p>,
      scan: async (s, c) => {
        try {
          const r = await resolveScan(c.warehouseId, s.raw);
          if (r.match.kind !== 'location' || !r.match.location) return { verdict: 'wrong', message: t('lookup.unknown') };
          const moved = t('move.moved', { lpn: c.lpn!.code, location: r.match.location.code });
          await enqueue({
            method: 'POST',
            path: `/lpns/${c.lpn!.id}/move`,
            body: { toLocationId: r.match.location.id },
            label: moved,
            userId: me(),
          });
          return { verdict: 'right', message: moved, next: 'lpn', ctx: { lpn: undefined, moved } };
        } catch (e) {
          return { verdict: 'wrong', message: reason(e) };
        }
      },
    },
  },
};

export default function MoveScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={moveFlow} title={t('flow.move')} seed={{ warehouseId }} />;
}
