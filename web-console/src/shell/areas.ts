import type { ComponentType } from 'preact';
import type { MsgKey } from '../i18n';

/** What a screen gets from the shell. */
export interface ScreenProps {
  warehouseId: string;
  /** Path segments after the screen's own, e.g. ['42'] for #/dispatch/route/42. */
  params: string[];
}

export interface AreaScreen {
  /** URL path under #/, e.g. 'pick' or 'dispatch/board'. */
  path: string;
  /** Menu label: a message key of the shell's catalogue, or text per language. */
  label: MsgKey | { en: string; 'zh-CN': string };
  /** Roles that see it (admin sees everything). */
  roles: string[];
  /** Loaded on first visit, so one area's code never weighs on another's first screen. */
  load: () => Promise<{ default: ComponentType<ScreenProps> }>;
  /** Desktop screens get the full width layout (board, map); handheld screens a single column. */
  layout?: 'handheld' | 'desktop';
  /** Order in the home menu (lower first). */
  order?: number;
}

export interface Area {
  id: string;
  screens: AreaScreen[];
}

/**
 * The registration point: every `src/<area>/area.ts` (handheld, supervisor, dispatch, driver…) default-exports
 * an Area and is picked up here at build time — adding an area touches no shared file.
 */
const modules = import.meta.glob<{ default: Area }>('../*/area.ts', { eager: true });
export const AREAS: Area[] = Object.values(modules)
  .map((m) => m.default)
  .sort((a, b) => a.id.localeCompare(b.id));

export const allScreens = (): AreaScreen[] => AREAS.flatMap((a) => a.screens).sort((a, b) => (a.order ?? 100) - (b.order ?? 100));

export function screensFor(roles: string[]): AreaScreen[] {
  const admin = roles.includes('admin');
  return allScreens().filter((s) => admin || s.roles.some((r) => roles.includes(r)));
}

/** The screen registered for a path and the remaining segments as params (longest path wins). */
export function match(path: string): { screen: AreaScreen; params: string[] } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join('/');
    const screen = allScreens().find((s) => s.path === p);
    if (screen) return { screen, params: parts.slice(n) };
  }
  return undefined;
}
