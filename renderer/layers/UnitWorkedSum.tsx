import './UnitWorkedSum.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/session.ts';
import { shownLayerValues } from './layerValues.ts';
import { errorText } from '../i18n/errorText.ts';
import { useFormat } from '../i18n/format.ts';
import { WorkedSumView } from '../lab/WorkedSumView.tsx';
import { layerName } from './layerText.ts';
import { useStudio } from '../state/store.ts';
import type { LayerInfo, UnitWorkedSum as Answer } from '../transport/index.ts';

/** Layer kinds whose units the core writes out. */
const WORKED_KINDS: readonly LayerInfo['kind'][] = ['conv', 'maxpool', 'avgpool', 'subsample', 'dense', 'rbf'];
const EXPLAINED = { conv: 'conv', maxpool: 'maxpool', avgpool: 'maxpool', subsample: 'subsample', dense: 'dense', rbf: 'rbf' } as const;

/** An output unit's class probability: the softmax over every unit's score, as the core computed it. */
function OutputProbability({ digit, probability, shown }: { digit: number; probability: NonNullable<Answer['probability']>; shown: number | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { logitScale, scores, value } = probability;
  const rbf = logitScale !== 1;
  const params = { digit, scale: format.value(logitScale), score: format.value(scores[digit]), count: scores.length, value: format.value(value) };
  return (
    <div className="unit-sum__probability">
      <p className="worked__total" data-testid="unit-probability" data-value={value}>
        {t(rbf ? 'lab.layers.probabilityRbf' : 'lab.layers.probabilityLogits', params)}
      </p>
      {shown !== undefined && (
        <p className="small muted" data-testid="unit-shown-probability" data-value={shown}>
          {t('lab.layers.shownProbability', { digit, value: format.value(shown), percent: format.percent(shown, 1) })}
        </p>
      )}
    </div>
  );
}

interface Props {
  readonly modelId: string;
  readonly layer: LayerInfo;
  /** The layer this one reads, as the views name it (or "the input"). */
  readonly from: string;
  readonly map: number;
  /** The unit of the map: hovering the enlarged map moves it, the fields below set it by keyboard. */
  readonly unit: { readonly row: number; readonly col: number };
  readonly onUnit: (unit: { row: number; col: number }) => void;
}

/**
 * One unit of a real layer on the drawing, its arithmetic written out by the core (the engine reruns the
 * network on the same ink), beside the value the map shows (ONNX Runtime's): the two agree to 1e-4.
 */
export function UnitWorkedSum({ modelId, layer, from, map, unit, onUnit }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = useStudio((s) => (s.prediction?.response.modelId === modelId ? s.prediction : null));
  const bitmap = useStudio((s) => s.modelInfo[modelId]?.rbfBitmaps ?? null);
  const layerValues = useStudio((s) => s.layerValues);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const supported = WORKED_KINDS.includes(layer.kind);
  const ink = shown?.ink;

  useEffect(() => {
    if (!supported || !ink || shown?.response.empty) return;
    let live = true;
    void api()
      .then((client) => client.unitWorkedSum({ ink, modelId, layer: layer.name, map, row: unit.row, col: unit.col }))
      .then(
        (a) => {
          if (!live) return;
          setAnswer(a);
          setError(null);
        },
        (e: unknown) => live && setError(errorText(e)),
      );
    return () => {
      live = false;
    };
  }, [supported, ink, shown?.response.empty, modelId, layer.name, map, unit.row, unit.col]);

  if (!supported) return null;
  if (!shown || shown.response.empty) return <p className="small muted">{t('lab.layers.drawFirst')}</p>;
  // The map draws the values before the activation when the person chose them (Layers' Values toggle).
  const values = shownLayerValues(shown.response, layerValues);
  const activation = values.activations.find((a) => a.name === layer.name);
  const [, h = 1, w = 1] = layer.outputShape;
  const isMap = layer.outputShape.length === 3;
  const displayed = activation ? activation.data[(map * h + unit.row) * w + unit.col] : null;
  const current = answer && answer.layer === layer.name && answer.worked.map === map && answer.worked.row === unit.row && answer.worked.col === unit.col ? answer : null;
  const fromMap = (c: number) => (answer?.from ? t('lab.layers.fromMap', { layer: layerName(t, answer.from), map: c }) : t('lab.layers.fromInput'));

  return (
    <section className="unit-sum" aria-labelledby="unit-sum-title" data-testid="unit-worked-sum">
      <h3 id="unit-sum-title">{isMap ? t('lab.layers.title', { layer: layerName(t, layer.name), map, row: unit.row, col: unit.col }) : t('lab.layers.titleUnit', { layer: layerName(t, layer.name), map })}</h3>
      <p className="small muted">{t(`lab.layers.explain.${EXPLAINED[layer.kind as keyof typeof EXPLAINED]}`, { from })}</p>
      {isMap && (
        <div className="unit-sum__fields">
          <label>
            {t('lab.layers.row')}
            <input type="number" min={0} max={h - 1} value={unit.row} data-testid="unit-row" onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 0 && e.target.valueAsNumber < h && onUnit({ row: e.target.valueAsNumber, col: unit.col })} />
          </label>
          <label>
            {t('lab.layers.col')}
            <input type="number" min={0} max={w - 1} value={unit.col} data-testid="unit-col" onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 0 && e.target.valueAsNumber < w && onUnit({ row: unit.row, col: e.target.valueAsNumber })} />
          </label>
        </div>
      )}
      {error && <p className="error small" role="alert">{error}</p>}
      {displayed !== null && (
        <p className="small" data-testid="unit-displayed" data-value={displayed}>
          {t(values.shown === 'pre' ? 'lab.layers.displayedPre' : 'lab.layers.displayed', { value: format.value(displayed) })}
        </p>
      )}
      {current && <WorkedSumView worked={current.worked} channelName={fromMap} testId="layer-worked" summaryFirst bitmap={layer.kind === 'rbf' ? bitmap : null} />}
      {current?.probability && <OutputProbability digit={map} probability={current.probability} shown={shown.response.probabilities[map]} />}
    </section>
  );
}
