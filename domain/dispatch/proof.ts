/**
 * Pure proof-of-delivery rules: what a delivery method requires (each item required, optional or
 * off), and which items a given proof is missing or must not carry.
 */

export type PodRequirement = 'required' | 'optional' | 'off';
export const POD_ITEMS = ['photo', 'signature', 'recipientName', 'notes'] as const;
export type PodItem = (typeof POD_ITEMS)[number];
export type PodPolicy = Record<PodItem, PodRequirement>;

/** Without a configured policy every item may be given and none is demanded. */
export const DEFAULT_POD_POLICY: PodPolicy = { photo: 'optional', signature: 'optional', recipientName: 'optional', notes: 'optional' };

export interface ProofItems {
  photo?: string | null;
  signature?: string | null;
  recipientName?: string | null;
  notes?: string | null;
}

/** Field errors of a proof against a policy (empty when acceptable). */
export function checkProof(policy: PodPolicy, proof: ProofItems): { path: string; message: string; code: string }[] {
  const errors: { path: string; message: string; code: string }[] = [];
  for (const item of POD_ITEMS) {
    const v = proof[item];
    const given = typeof v === 'string' && v.trim().length > 0;
    if (policy[item] === 'required' && !given)
      errors.push({ path: `body.proof.${item}`, message: `${item} is required for this delivery method`, code: 'pod-required' });
    if (policy[item] === 'off' && given)
      errors.push({ path: `body.proof.${item}`, message: `${item} is not collected for this delivery method`, code: 'pod-off' });
  }
  return errors;
}

/** Reason codes a driver picks from when a delivery fails (free text goes in `reason`). */
export const FAILURE_CODES = [
  'not_home',
  'refused',
  'address_not_found',
  'access_denied',
  'damaged',
  'unsafe_location',
  'out_of_time',
  'vehicle_issue',
  'other',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];
