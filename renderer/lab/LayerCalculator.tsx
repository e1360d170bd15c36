import './LayerCalculator.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/session.ts';
import { errorText } from '../i18n/errorText.ts';
import { useFormat } from '../i18n/format.ts';
import type { CalcChain, CalcLayer, LabLayersResponse } from '../transport/index.ts';
import { AxisFormulaLine } from './FormulaView.tsx';

const PRESETS = ['lenet5-modern', 'lenet5-classic', 'alexnet-conv1', 'bottleneck-direct', 'bottleneck-1x1'] as const;
type Preset = (typeof PRESETS)[number];

function NumberField({ value, label, min, onChange }: { value: number; label: string; min: number; onChange: (v: number) => void }) {
  return <input className="calc__num" type="number" min={min} value={value} aria-label={label} onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= min && onChange(e.target.valueAsNumber)} />;
}

/** Edits one number of a layer; a kernel, stride or padding changes both axes (a square window). */
function withField(layer: CalcLayer, field: string, v: number): CalcLayer {
  if (field === 'filters' && layer.kind === 'conv') return { ...layer, filters: v };
  if (field === 'units' && (layer.kind === 'dense' || layer.kind === 'rbf')) return { ...layer, units: v };
  if ((field === 'kernel' || field === 'padding' || field === 'stride') && layer.kind === 'conv') return { ...layer, [field]: [v, v] };
  if ((field === 'size' || field === 'stride') && layer.kind !== 'conv' && layer.kind !== 'dense' && layer.kind !== 'rbf') return { ...layer, [field]: [v, v] };
  return layer;
}

/** Any layer's shape, neurons, parameters and multiply-accumulates, from the engine's arithmetic; presets and chains. */
export function LayerCalculator() {
  const { t } = useTranslation();
  const format = useFormat();
  const [preset, setPreset] = useState<Preset | 'edited'>('alexnet-conv1');
  const [chain, setChain] = useState<CalcChain | null>(null);
  const [answer, setAnswer] = useState<LabLayersResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const request = preset === 'edited' ? (chain ? { chain } : null) : { preset };
    if (!request) return;
    api()
      .then((client) => client.labLayers(request))
      .then(
        (r) => {
          if (!live) return;
          setAnswer(r);
          setError(null);
          if (preset !== 'edited') setChain(r.chain);
        },
        (e: unknown) => live && setError(errorText(e)),
      );
    return () => {
      live = false;
    };
  }, [preset, chain]);

  const edit = (next: CalcChain) => {
    setChain(next);
    setPreset('edited');
  };
  const shape = (s: readonly number[]) => (s.length === 3 ? `${s[1]}×${s[2]}×${s[0]}` : String(s[0]));

  return (
    <section className="lab-section calc" aria-labelledby="calc-title" data-testid="layer-calculator">
      <h3 id="calc-title">{t('lab.calc.title')}</h3>
      <p className="small muted">{t('lab.calc.explain')}</p>
      <label className="lab-field">
        <span>{t('lab.calc.preset')}</span>
        <select value={preset} onChange={(e) => setPreset(e.target.value as Preset)} data-testid="calc-preset">
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`lab.calc.presets.${p}`)}
            </option>
          ))}
          {preset === 'edited' && <option value="edited">{t('lab.calc.edited')}</option>}
        </select>
      </label>
      {chain && (
        <div className="calc__input">
          <span>{t('lab.calc.input')}</span>
          <NumberField value={chain.input[1]} min={1} label={t('lab.calc.height')} onChange={(v) => edit({ ...chain, input: [chain.input[0], v, chain.input[2]] })} />×
          <NumberField value={chain.input[2]} min={1} label={t('lab.calc.width')} onChange={(v) => edit({ ...chain, input: [chain.input[0], chain.input[1], v] })} />×
          <NumberField value={chain.input[0]} min={1} label={t('lab.calc.channels')} onChange={(v) => edit({ ...chain, input: [v, chain.input[1], chain.input[2]] })} />
        </div>
      )}
      {error && <p className="error small" role="alert">{error}</p>}
      {answer && chain && (
        <div className="calc__scroll">
          <table className="calc__table" data-testid="calc-table">
            <thead>
              <tr>
                <th>{t('lab.calc.layer')}</th>
                <th>{t('lab.calc.output')}</th>
                <th>{t('lab.calc.neurons')}</th>
                <th>{t('lab.calc.params')}</th>
                <th>{t('lab.calc.macs')}</th>
              </tr>
            </thead>
            <tbody>
              {answer.rows.map((row, i) => {
                const layer = chain.layers[i];
                const set = (field: string) => (v: number) => edit({ ...chain, layers: chain.layers.map((l, j) => (j === i ? withField(l, field, v) : l)) });
                return (
                  <tr key={i} data-testid={`calc-row-${row.name}`}>
                    <td>
                      <strong>{row.name}</strong> <span className="muted">{t(`lab.calc.kind.${row.kind}`)}</span>
                      {layer?.kind === 'conv' && (
                        <span className="calc__fields">
                          <label>{t('lab.calc.filters')} <NumberField value={layer.filters} min={1} label={`${row.name} ${t('lab.calc.filters')}`} onChange={set('filters')} /></label>
                          <label>k <NumberField value={layer.kernel[0]} min={1} label={`${row.name} ${t('lab.calc.kernel')}`} onChange={set('kernel')} /></label>
                          <label>s <NumberField value={layer.stride[0]} min={1} label={`${row.name} ${t('lab.calc.stride')}`} onChange={set('stride')} /></label>
                          <label>p <NumberField value={layer.padding[0]} min={0} label={`${row.name} ${t('lab.calc.padding')}`} onChange={set('padding')} /></label>
                        </span>
                      )}
                      {row.formula && row.kind === 'conv' && <AxisFormulaLine axis={row.formula.height} name="height" testId={`calc-formula-${row.name}`} />}
                    </td>
                    <td data-label={t('lab.calc.output')}>{shape(row.outputShape)}</td>
                    <td data-label={t('lab.calc.neurons')}>{format.integer(row.neurons)}</td>
                    <td data-label={t('lab.calc.params')}>{format.integer(row.params)}</td>
                    <td data-label={t('lab.calc.macs')}>{format.integer(row.macs)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th>{t('lab.calc.total')}</th>
                <td className="calc__empty" />
                <td data-label={t('lab.calc.neurons')}>{format.integer(answer.totalNeurons)}</td>
                <td data-label={t('lab.calc.params')} data-testid="calc-total-params">{format.integer(answer.totalParams)}</td>
                <td data-label={t('lab.calc.macs')} data-testid="calc-total-macs">{format.integer(answer.totalMacs)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <p className="small muted">{t('lab.calc.paramsRule')}</p>
    </section>
  );
}
