import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { fmtTime, useT } from '../i18n';
import { onLiveEvent, type LiveEvent } from '../live';
import type { ScreenProps } from '../shell/areas';

function describe(e: LiveEvent): string {
  const p = e.payload as Record<string, unknown>;
  if (e.type === 'warehouse.note.posted') return `${p.by}: ${p.text}`;
  return Object.entries(p ?? {})
    .slice(0, 4)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

const SHOWN = 200;

/** Newest first, each seq once, at most SHOWN. */
function mergeBySeq(shown: LiveEvent[], more: LiveEvent[]): LiveEvent[] {
  const bySeq = new Map(shown.map((e) => [e.seq, e]));
  for (const e of more) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, SHOWN);
}

/** The warehouse's live event feed and notes to the floor. */
export default function Feed({ warehouseId }: ScreenProps) {
  const t = useT();
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [note, setNote] = useState('');
  // Live events from the moment the screen is up, and the warehouse's recent ones read once: a supervisor opening the
  // feed mid-shift sees what just happened, not an empty list. An event in both (it arrived while the read was on its
  // way) is shown once; the listener is on before the read starts, so nothing falls between the two.
  useEffect(() => {
    setEvents([]);
    const add = (more: LiveEvent[]) => setEvents((prev) => mergeBySeq(prev, more));
    const off = onLiveEvent((e) => e.warehouseId === warehouseId && add([e]));
    api<{ items: LiveEvent[] }>('GET', `/warehouses/${warehouseId}/events?last=${SHOWN}`)
      .then((r) => add(r.items))
      .catch(() => undefined);
    return off;
  }, [warehouseId]);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    await api('POST', `/warehouses/${warehouseId}/notes`, { text: note.trim() });
    setNote('');
  };
  return (
    <section class="feed-screen">
      <h1>{t('flow.feed')}</h1>
      <form class="row note" onSubmit={send}>
        <input
          aria-label={t('feed.note')}
          placeholder={t('feed.notePlaceholder')}
          value={note}
          onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          maxLength={500}
        />
        <button class="primary" type="submit">
          {t('feed.post')}
        </button>
      </form>
      {events.length === 0 ? (
        <p class="muted">{t('feed.empty')}</p>
      ) : (
        <ol class="feed" data-testid="event-feed">
          {events.map((e) => (
            <li key={e.seq}>
              <span class="seq">#{e.seq}</span>
              <span class="type">{e.type}</span>
              <span class="what">{describe(e)}</span>
              <time>{fmtTime(e.occurredAt)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
