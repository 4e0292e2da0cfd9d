import { t } from '../i18n';
import type { StepDef } from '../flows/framework';
import type { PackSessionView } from '../../../domain/packing/pack.schemas';

/** The end of packing: shipments made; the next tote. (Labels come with the shipping API.) */
export const labelStep: StepDef<{ session?: PackSessionView }> = {
  prompt: (c) => t('pack.packed', { n: c.session?.shipmentIds.length ?? 0 }),
  body: (_c, f) => (
    <button type="button" class="primary huge" data-testid="next-tote" onClick={() => f.go('tote', { session: undefined })}>
      {t('pack.scanTote')}
    </button>
  ),
};
