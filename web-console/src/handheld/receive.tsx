import { api } from '../api';
import { t } from '../i18n';
import { enqueue } from '../offline/queue';
import type { ScreenProps } from '../shell/areas';
import { FlowScreen, type FlowApi, type FlowDef } from '../flows/framework';
import { QtyConfirm } from '../flows/step-controls';
import { me, reason } from '../flows/tasks';
import type { AsnView } from '../../../domain/receiving/receiving.schemas';

interface ReceiveCtx {
  warehouseId: string;
  asn?: AsnView;
  raw?: string;
  qty: number;
  closed?: string;
  /** Several open ASNs behind one PO number: the receiver picks the one on the truck. */
  choices?: AsnSummary[];
}
interface AsnSummary {
  id: string;
  reference: string;
  poReference: string | null;
  status: string;
  supplier: string;
  lineCount: number;
}
const opened = (asn: AsnView) => ({ verdict: 'right' as const, next: 'item', ctx: { asn, choices: undefined, closed: undefined } });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function Lines({ c }: { c: ReceiveCtx }) {
  if (!c.asn) return c.closed ? <p data-testid="asn-closed">{c.closed}</p> : null;
  return (
    <div class="stack">
      <p>
        <b>{c.asn.reference}</b> · {c.asn.supplier.name}
      </p>
      <ul class="items">
        {c.asn.lines.map((l) => (
          <li key={l.id} class={l.qtyReceived >= l.qtyExpected ? 'done' : ''}>
            <span class="mono">
              {l.sku}
              {l.lot ? ` · ${l.lot}` : ''}
            </span>
            <span>
              {l.qtyReceived}/{l.qtyExpected}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Sends one receipt scan; the ASN shown is the server's answer once it has one (queued when offline). */
function receive(c: ReceiveCtx, f: FlowApi<ReceiveCtx>, raw: string, qty?: number): void {
  const asn = c.asn!;
  void enqueue({
    method: 'POST',
    path: `/inbound/asns/${asn.id}/receive`,
    body: { raw, ...(qty ? { qty } : {}) },
    label: `${t('flow.receive')} ${asn.reference}: ${raw}${qty ? ` × ${qty}` : ''}`,
    group: asn.id,
    userId: me(),
  });
  f.go('item', { raw: undefined, qty: 1 });
}

async function close(c: ReceiveCtx, f: FlowApi<ReceiveCtx>): Promise<void> {
  try {
    const r = await api<{ discrepancies?: unknown[] }>('POST', `/inbound/asns/${c.asn!.id}/close`);
    const closed = t('receive.closed', { ref: c.asn!.reference, n: r.discrepancies?.length ?? 0 });
    f.say('right', closed);
    f.go('asn', { asn: undefined, closed });
  } catch (e) {
    f.say('wrong', reason(e));
  }
}

/** Receiving by scan against an ASN: the delivery note's ASN barcode, then pallets (SSCC), case labels or items. */
export const receiveFlow: FlowDef<ReceiveCtx> = {
  id: 'receive',
  start: 'asn',
  persist: true,
  initial: () => ({ warehouseId: '', qty: 1 }),
  steps: {
    asn: {
      prompt: (c) => (c.choices?.length ? t('receive.chooseAsn') : t('receive.scanAsn')),
      info: (c) => (c.asn || c.closed ? <Lines c={c} /> : null),
      scan: async (s, c) => {
        // The delivery note prints the ASN reference or the PO number (GS1 AI 400 on a label); an id works too.
        const ref = (s.reading.ais['400'] ?? s.code).trim();
        try {
          if (UUID.test(ref)) return opened(await api<AsnView>('GET', `/inbound/asns/${ref}`));
          const found = await api<{ items: AsnSummary[] }>(
            'GET',
            `/inbound/asns?warehouseId=${encodeURIComponent(c.warehouseId)}&ref=${encodeURIComponent(ref)}&limit=20`,
          );
          const open = found.items.filter((a) => a.status !== 'closed');
          if (open.length === 1) return opened(await api<AsnView>('GET', `/inbound/asns/${open[0]!.id}`));
          if (open.length > 1) return { verdict: 'action', message: t('receive.chooseAsn'), ctx: { choices: open, closed: undefined } };
          return {
            verdict: 'wrong',
            message: found.items.length ? t('receive.asnClosed', { ref }) : t('receive.noAsn', { ref }),
          };
        } catch (e) {
          return { verdict: 'wrong', message: reason(e) };
        }
      },
      body: (c, f) =>
        c.choices?.length ? (
          <div class="stack">
            {c.choices.map((a) => (
              <button
                type="button"
                key={a.id}
                class="choice"
                data-testid="asn-choice"
                onClick={() =>
                  void api<AsnView>('GET', `/inbound/asns/${a.id}`).then(
                    (asn) => {
                      f.say('right', '');
                      f.go('item', { asn, choices: undefined, closed: undefined });
                    },
                    (e) => f.say('wrong', reason(e)),
                  )
                }
              >
                <strong class="mono">{a.reference}</strong>
                <span>
                  {a.supplier} · {t('receive.lines', { n: a.lineCount })}
                </span>
              </button>
            ))}
          </div>
        ) : null,
    },
    item: {
      prompt: () => t('receive.scanItem'),
      info: (c) => <Lines c={c} />,
      enter: (c, f) => {
        // Refresh the expected/received figures from the server when back on this step (best effort).
        if (c.asn)
          api<AsnView>('GET', `/inbound/asns/${c.asn.id}`).then(
            (asn) => f.patch({ asn }),
            () => undefined,
          );
      },
      scan: (s, c, f) => {
        // A pallet (SSCC) or a case label with its count (AI 37) says how many itself; a bare item asks.
        if (s.reading.sscc || s.reading.quantity) {
          receive(c, f, s.raw);
          return { verdict: 'right', message: t('receive.received', { what: s.code }) };
        }
        return { verdict: 'right', next: 'qty', ctx: { raw: s.raw, qty: 1 } };
      },
      body: (_c, f) => (
        <button type="button" class="warn" data-testid="asn-close" onClick={() => void close(f.ctx, f)}>
          {t('receive.close')}
        </button>
      ),
    },
    qty: {
      prompt: () => t('pick.qty'),
      info: (c) => <Lines c={c} />,
      body: (c, f) => (
        <QtyConfirm
          value={c.qty}
          min={1}
          onChange={(qty) => f.patch({ qty })}
          label={t('pick.qty')}
          onConfirm={() => receive(f.ctx, f, c.raw!, c.qty)}
        />
      ),
    },
  },
};

export default function ReceiveScreen({ warehouseId }: ScreenProps) {
  return <FlowScreen def={receiveFlow} title={t('flow.receive')} seed={{ warehouseId }} />;
}
