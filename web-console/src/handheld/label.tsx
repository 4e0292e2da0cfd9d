import { useEffect, useState } from 'preact/hooks';
import { api, ApiProblem, newKey } from '../api';
import { t, useT } from '../i18n';
import type { FlowApi, StepDef } from '../flows/framework';
import { reason } from '../flows/tasks';
import type { PackSessionView } from '../../../domain/packing/pack.schemas';

/** A bought label as the packer sees it (POST /v1/shipments/:id/label). */
export interface LabelView {
  shipmentId: string;
  trackingNumber: string;
  sscc: string;
  carrier: string;
  service: string;
  printCount: number;
}
interface LabelCtx {
  session?: PackSessionView;
  labels?: LabelView[];
  /** One Idempotency-Key per shipment, kept across reloads: a retried purchase returns the same label. */
  labelKeys?: Record<string, string>;
  labelError?: string;
  busy?: boolean;
}

/** Buys the label of every shipment of the packed order (each once, whatever is retried). */
async function buyLabels<C extends LabelCtx>(f: FlowApi<C>): Promise<void> {
  const ids = f.ctx.session?.shipmentIds ?? [];
  const keys = { ...f.ctx.labelKeys };
  for (const id of ids) keys[id] ??= newKey();
  f.patch({ labelKeys: keys, busy: true, labelError: undefined } as Partial<C>);
  try {
    const labels: LabelView[] = [];
    for (const id of ids) {
      const l = await api<Omit<LabelView, 'shipmentId'>>('POST', `/shipments/${id}/label`, undefined, { key: keys[id] });
      labels.push({ ...l, shipmentId: id });
    }
    f.patch({ labels, busy: false } as Partial<C>);
    f.say('right', t('label.ready', { n: labels.length }));
    await printLabels(labels).catch((e) => f.say('wrong', reason(e)));
  } catch (e) {
    f.patch({ busy: false, labelError: reason(e) } as Partial<C>);
    f.say('wrong', reason(e));
  }
}

/** No answer, 429 and 5xx are worth another try; a refusal that will not change (no such label, not allowed) is not. */
const transient = (e: unknown) => !(e instanceof ApiProblem) || e.status >= 500 || e.status === 429;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The label image (PNG from the server's ZPL, 4×6 in at 203 dpi), fetched with the session's token. A transient failure
 * (a dead spot, a busy server) is tried again after 1, 2, 4, 8, 8… s, up to `tries` attempts, while `alive()`.
 */
async function labelPng(shipmentId: string, tries: number, onFail?: () => void, alive = () => true): Promise<Blob> {
  for (let n = 0; ; n++) {
    try {
      return await api<Blob>('GET', `/shipments/${shipmentId}/label?format=png`, undefined, { blob: true });
    } catch (e) {
      onFail?.();
      if (n + 1 >= tries || !transient(e) || !alive()) throw e;
      await pause(Math.min(8_000, 1_000 * 2 ** n));
      if (!alive()) throw e;
    }
  }
}

/** The preview of a card: tried until it loads (never left on "Loading…" for good), `failed` up after a failure. */
function useLabelImage(shipmentId: string): { url?: string; failed: boolean; retryNow: () => void } {
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState(false);
  const [nudge, setNudge] = useState(0);
  useEffect(() => {
    let gone = false;
    let made: string | undefined;
    labelPng(
      shipmentId,
      Infinity,
      () => !gone && setFailed(true),
      () => !gone,
    ).then(
      (b) => {
        made = URL.createObjectURL(b);
        if (gone) URL.revokeObjectURL(made);
        else {
          setUrl(made);
          setFailed(false);
        }
      },
      () => undefined,
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [shipmentId, nudge]);
  return { url, failed, retryNow: () => setNudge((n) => n + 1) };
}

/**
 * Prints the labels through the device's print service (Android print, a desktop's driver): a print-only
 * container holds the label images, one 4×6 in page each (styles.css hides the rest of the page on paper).
 */
async function printLabels(labels: LabelView[]): Promise<void> {
  if (!labels.length) return;
  // A moment's failure delays the print by a second or two rather than failing it (the packer would have to reprint).
  const blobs = await Promise.all(labels.map((l) => labelPng(l.shipmentId, 4)));
  document.getElementById('print-root')?.remove();
  const root = document.createElement('div');
  root.id = 'print-root';
  const urls = blobs.map((b) => URL.createObjectURL(b));
  await Promise.all(
    urls.map(
      (u) =>
        new Promise<void>((done) => {
          const img = document.createElement('img');
          img.alt = '';
          img.onload = img.onerror = () => done();
          img.src = u;
          root.append(img);
        }),
    ),
  );
  document.body.append(root);
  const cleanup = () => {
    root.remove();
    urls.forEach((u) => URL.revokeObjectURL(u));
  };
  window.addEventListener('afterprint', cleanup, { once: true });
  window.print();
}

function LabelCard({ l, onReprint }: { l: LabelView; onReprint: () => void }) {
  const t = useT();
  const img = useLabelImage(l.shipmentId);
  return (
    <div class="label-card" data-testid="label">
      {img.url ? (
        <img class="label-preview" src={img.url} alt={t('label.preview', { tracking: l.trackingNumber })} data-testid="label-preview" />
      ) : img.failed ? (
        <p class="label-preview muted" data-testid="label-preview-failed">
          {t('label.previewFailed')}{' '}
          <button type="button" class="ghost" onClick={img.retryNow}>
            {t('common.retry')}
          </button>
        </p>
      ) : (
        <p class="label-preview muted">{t('common.loading')}</p>
      )}
      <div class="label-facts">
        <p class="tracking">
          <span class="muted">{t('label.tracking')}</span>
          <b class="mono" data-testid="tracking">
            {l.trackingNumber}
          </b>
        </p>
        <p class="muted">
          {l.carrier} · {l.service}
        </p>
        <p class="muted">{t('label.printed', { n: l.printCount })}</p>
        <button type="button" class="ghost" data-testid="reprint" onClick={onReprint}>
          {t('label.reprint')}
        </button>
      </div>
    </div>
  );
}

/** After the weight: the label is bought and printed, its preview and tracking number shown; reprint on demand. */
export const labelStep: StepDef<LabelCtx> = {
  prompt: (c) =>
    c.labels?.length
      ? t('label.done', { n: c.labels.length })
      : c.busy
        ? t('label.buying')
        : c.labelError
          ? t('label.failed')
          : t('pack.packed', { n: c.session?.shipmentIds.length ?? 0 }),
  enter: (c, f) => {
    if (!c.labels?.length && c.session?.shipmentIds.length) void buyLabels(f);
  },
  body: (c, f) => (
    <div class="stack">
      {c.labels?.map((l) => (
        <LabelCard
          key={l.shipmentId}
          l={l}
          onReprint={() =>
            void api<Omit<LabelView, 'shipmentId'>>('POST', `/shipments/${l.shipmentId}/label/reprint`).then(
              (r) => {
                f.patch({ labels: f.ctx.labels!.map((x) => (x.shipmentId === l.shipmentId ? { ...r, shipmentId: l.shipmentId } : x)) });
                f.say('right', t('label.reprinted', { tracking: l.trackingNumber }));
                return printLabels([l]);
              },
              (e) => f.say('wrong', reason(e)),
            )
          }
        />
      ))}
      {c.labelError && !c.busy && (
        <button type="button" class="primary" data-testid="label-retry" onClick={() => void buyLabels(f)}>
          {t('common.retry')}
        </button>
      )}
      <button
        type="button"
        class="primary huge"
        data-testid="next-tote"
        onClick={() => f.go('tote', { session: undefined, labels: undefined, labelKeys: undefined, labelError: undefined })}
      >
        {t('pack.scanTote')}
      </button>
    </div>
  ),
};
