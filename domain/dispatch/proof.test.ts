import { describe, expect, it } from 'vitest';
import { checkProof, DEFAULT_POD_POLICY } from './proof.js';

describe('proof-of-delivery policy', () => {
  it('accepts anything or nothing under the default policy', () => {
    expect(checkProof(DEFAULT_POD_POLICY, {})).toEqual([]);
    expect(checkProof(DEFAULT_POD_POLICY, { photo: 'data:image/png;base64,AA', notes: 'x' })).toEqual([]);
  });

  it('names each required item missing and each item given that is off', () => {
    const policy = { photo: 'required', signature: 'required', recipientName: 'off', notes: 'optional' } as const;
    const errors = checkProof(policy, { signature: '  ', recipientName: 'Ann' });
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['body.proof.photo', 'pod-required'],
      ['body.proof.signature', 'pod-required'],
      ['body.proof.recipientName', 'pod-off'],
    ]);
  });
});
