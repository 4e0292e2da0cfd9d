/** Pure pack rule: the packer's cartons checked against the verified order, the box catalogue and the scale. */
import { ValidationFailed } from '../shared/errors.js';
import type { BoxRow } from './carton-proposal.js';
import type { PackInput, PackSessionView } from './pack.schemas.js';
import type { PackSettings } from './pack-settings.js';
import { weightToleranceG, weightWithinTolerance } from './weight-check.js';

/** A line of the verified order: what the cartons must hold in all, and its unit weight. */
export interface ExpectedLine {
  sku_id: string;
  qty_expected: number;
  weight_g: number;
  code: string;
}
/** A carton the scale accepted: its box, contents, expected and weighed grams. */
export interface CheckedCarton {
  boxCode: string;
  items: { skuId: string; qty: number }[];
  box: BoxRow;
  expectedG: number;
  actual: number;
}

/**
 * The cartons to pack: the packer's (or the proposal's when it left nothing unpacked), holding exactly the order,
 * each in a box of the catalogue and weighing its tare plus contents within tolerance. Any disagreement is a 422
 * naming the field (these refusals are the discrepancies supervisors hear of).
 */
export function checkCartons(
  input: PackInput,
  proposal: PackSessionView['proposal'],
  expected: ExpectedLine[],
  catalogue: Map<string, BoxRow>,
  st: PackSettings,
): CheckedCarton[] {
  const cartons =
    input.cartons ??
    (proposal && proposal.unpacked.length === 0
      ? proposal.cartons.map((c) => ({ boxCode: c.boxCode, items: c.items.map((i) => ({ skuId: i.skuId, qty: i.qty })) }))
      : null);
  if (!cartons)
    throw new ValidationFailed(
      'The proposal leaves items unpacked: give the cartons',
      [{ path: 'body.cartons', message: 'required' }],
      'cartons-required',
    );
  const total = new Map<string, number>();
  for (const c of cartons) for (const i of c.items) total.set(i.skuId, (total.get(i.skuId) ?? 0) + i.qty);
  for (const e of expected)
    if (total.get(e.sku_id) !== e.qty_expected)
      throw new ValidationFailed(
        `Cartons hold ${total.get(e.sku_id) ?? 0} of ${e.code}, the order has ${e.qty_expected}`,
        [{ path: 'body.cartons', message: 'contents differ from the order' }],
        'carton-contents-mismatch',
      );
  if (total.size !== expected.length)
    throw new ValidationFailed(
      'Cartons hold items that are not in the order',
      [{ path: 'body.cartons', message: 'unknown item' }],
      'carton-contents-mismatch',
    );
  if (input.weightsG.length !== cartons.length)
    throw new ValidationFailed(`${cartons.length} carton(s), ${input.weightsG.length} weight(s)`, [
      { path: 'body.weightsG', message: 'one weight per carton' },
    ]);
  const weightOf = new Map(expected.map((e) => [e.sku_id, e.weight_g]));
  return cartons.map((c, i) => {
    const box = catalogue.get(c.boxCode);
    if (!box)
      throw new ValidationFailed(
        `No box ${c.boxCode} in the catalogue`,
        [{ path: `body.cartons.${i}.boxCode`, message: 'unknown box' }],
        'unknown-box',
      );
    const expectedG = box.tare_g + c.items.reduce((sum, it) => sum + it.qty * (weightOf.get(it.skuId) ?? 0), 0);
    const actual = input.weightsG[i]!;
    if (!weightWithinTolerance(actual, expectedG, st.pct, st.minG)) {
      throw new ValidationFailed(
        `Carton ${i + 1} weighs ${actual} g, expected ${expectedG} g ± ${weightToleranceG(expectedG, st.pct, st.minG)} g: check its contents`,
        [{ path: `body.weightsG.${i}`, message: 'outside tolerance' }],
        'weight-out-of-tolerance',
      );
    }
    return { ...c, box, expectedG, actual };
  });
}
