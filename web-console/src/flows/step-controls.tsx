import type { ComponentChildren } from 'preact';
import { t } from '../i18n';
import { QtyPicker } from './framework';

/** A quantity step's controls: the picker, the big confirm button, and whatever else the step offers below them. */
export function QtyConfirm({
  value,
  min,
  max,
  onChange,
  label,
  onConfirm,
  testId = 'qty-ok',
  children,
}: {
  value: number;
  min: number;
  max?: number;
  onChange: (n: number) => void;
  label: string;
  onConfirm: () => void;
  testId?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="stack">
      <QtyPicker value={value} min={min} max={max} onChange={onChange} label={label} />
      <button type="button" class="primary huge" data-testid={testId} onClick={onConfirm}>
        {t('common.confirm')}
      </button>
      {children}
    </div>
  );
}

/** A step that asks for one of a few reasons: a big button each, and a way back. */
export function ReasonChoices<R extends string>({
  reasons,
  label,
  testId,
  onChoose,
  onBack,
}: {
  reasons: readonly R[];
  label: (r: R) => string;
  testId: (r: R) => string;
  onChoose: (r: R) => void;
  onBack: () => void;
}) {
  return (
    <div class="choices">
      {reasons.map((r) => (
        <button type="button" key={r} class="choice" data-testid={testId(r)} onClick={() => onChoose(r)}>
          {label(r)}
        </button>
      ))}
      <button type="button" class="ghost" onClick={onBack}>
        {t('common.back')}
      </button>
    </div>
  );
}
