import { useTranslation } from 'react-i18next';
import type { LabConvolveResponse } from '../transport/index.ts';
import type { Axis as AxisName } from './labText.ts';

type Axis = LabConvolveResponse['formula']['height'];

/** ⌊(n − k + 2p) / s⌋ + 1 written out with the person's numbers, as the core computed them. */
export function AxisFormulaLine({ axis, name, testId }: { axis: Axis; name: AxisName; testId?: string }) {
  const { t } = useTranslation();
  return (
    <p className="lab-formula" data-testid={testId ?? `formula-${name}`}>
      <span className="lab-formula__axis">{t(`lab.formula.${name}`)}</span>{' '}
      <span className="lab-formula__math">
        ⌊({axis.n} − {axis.k} + 2·{axis.p}) / {axis.s}⌋ + 1 = ⌊{axis.numerator} / {axis.s}⌋ + 1 = {axis.quotient} + 1 = <strong>{axis.out}</strong>
      </span>
    </p>
  );
}

export function FormulaView({ formula }: { formula: LabConvolveResponse['formula'] }) {
  const { t } = useTranslation();
  return (
    <div className="lab-formulas">
      <p className="small muted">{t('lab.formula.explain')}</p>
      <AxisFormulaLine axis={formula.height} name="height" />
      <AxisFormulaLine axis={formula.width} name="width" />
    </div>
  );
}
