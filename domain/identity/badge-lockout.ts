/**
 * Badge PIN lockout rule (pure). A 4-digit PIN is 10 000 guesses, so after `after` failures in a row the badge is
 * locked for base·2^(extra failures) seconds, capped: 30 s, 60 s, 120 s … up to an hour.
 */
export const BADGE_LOCK = { after: 5, baseS: 30, maxS: 3600 } as const;

/** Seconds to lock the badge after `failures` consecutive wrong PINs (0 = not locked yet). */
export function badgeLockSeconds(failures: number, rule: { after: number; baseS: number; maxS: number } = BADGE_LOCK): number {
  if (failures < rule.after) return 0;
  return Math.min(rule.maxS, rule.baseS * 2 ** Math.min(20, failures - rule.after));
}
