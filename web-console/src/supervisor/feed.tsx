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

/** The warehouse's live event feed and notes to the floor. */
export default function Feed({ warehouseId }: ScreenProps) {
  const t = useT();
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [note, setNote] = useState('');
  useEffect(() => onLiveEvent((e) => e.warehouseId === warehouseId && setEvents((prev) => [e, ...prev].slice(0, 200))), [warehouseId]);
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
