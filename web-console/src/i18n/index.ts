import { createStore, useStore } from '../store';
import { en, type MsgKey } from './en';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';
export type { MsgKey };
export const LOCALES: Locale[] = ['en', 'zh-CN'];
const catalogues: Record<Locale, Record<MsgKey, string>> = { en, 'zh-CN': zhCN };

const deviceDefault = (): Locale => (typeof navigator !== 'undefined' && navigator.language?.startsWith('zh') ? 'zh-CN' : 'en');
export const locale = createStore<Locale>(deviceDefault());

// The language is chosen per user (a shared handheld switches with whoever signs in); kept on the device.
const keyFor = (userId: string) => `dockside.lang.${userId}`;
export function loadUserLocale(userId: string): void {
  const saved = localStorage.getItem(keyFor(userId)) as Locale | null;
  setLocale(saved && LOCALES.includes(saved) ? saved : locale.get(), userId);
}
export function setLocale(l: Locale, userId?: string): void {
  if (userId) localStorage.setItem(keyFor(userId), l);
  document.documentElement.lang = l;
  locale.set(l);
}

export type Vars = Record<string, string | number>;
/** The message for key in the current language, with {placeholders} filled (numbers per locale). */
export function t(key: MsgKey, vars?: Vars): string {
  const l = locale.get();
  const msg = catalogues[l][key] ?? en[key];
  if (!vars) return msg;
  return msg.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    return v === undefined ? `{${k}}` : typeof v === 'number' ? fmtNumber(v) : v;
  });
}

export const fmtNumber = (n: number, opts?: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale.get(), opts).format(n);
export const fmtWeight = (g: number) =>
  g >= 1000
    ? fmtNumber(g / 1000, { style: 'unit', unit: 'kilogram', maximumFractionDigits: 2 })
    : fmtNumber(g, { style: 'unit', unit: 'gram' });
export const fmtDateTime = (iso: string | number | Date) =>
  new Intl.DateTimeFormat(locale.get(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
export const fmtTime = (iso: string | number | Date) =>
  new Intl.DateTimeFormat(locale.get(), { timeStyle: 'medium' }).format(new Date(iso));

/** Re-renders the caller when the language changes; returns t for convenience. */
export function useT(): typeof t {
  useStore(locale);
  return t;
}
