import './LabPanel.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/session.ts';
import { useFormat } from '../i18n/format.ts';
import { useLayerKernels } from '../layers/useLayerKernels.ts';
import { useStudio } from '../state/store.ts';
import type { LabLayersResponse } from '../transport/index.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { ActivationPlot } from './ActivationPlot.tsx';
import { FormulaView } from './FormulaView.tsx';
import { LayerCalculator } from './LayerCalculator.tsx';
import { DRAWING, LAB_FUNCTIONS, labActions, useLab, type LabFunction } from './labStore.ts';
import { startLab } from './labSession.ts';
import { MatrixGrid } from './MatrixGrid.tsx';
import type { InputPresetId, KernelPresetId, LessonId } from './labText.ts';
import { WorkedSumView } from './WorkedSumView.tsx';

const COUNTS = ['1', '2', '3'] as const;

function SmallNumber({ value, min, max, label, onChange, testId }: { value: number; min: number; max: number; label: string; onChange: (v: number) => void; testId?: string }) {
  return (
    <label className="lab-number">
      <span>{label}</span>
      <input type="number" min={min} max={max} value={value} data-testid={testId} onChange={(e) => {
        const v = e.target.valueAsNumber;
        if (Number.isInteger(v) && v >= min && v <= max) onChange(v);
      }} />
    </label>
  );
}

function InputSection() {
  const { t } = useTranslation();
  const presets = useLab((s) => s.presets);
  const source = useLab((s) => s.source);
  const input = useLab((s) => s.input);
  const padding = useLab((s) => s.padding);
  const window = useLab((s) => s.result?.worked?.window ?? null);
  const networkInput = useStudio((s) => s.prediction?.response.networkInput ?? null);
  const size = input.height * input.width;
  const drawing = source === DRAWING;
  return (
    <section className="lab-section" aria-labelledby="lab-input-title">
      <h3 id="lab-input-title">{t('lab.input.title')}</h3>
      <label className="lab-field">
        <span>{t('lab.input.source')}</span>
        <select
          value={source === 'edited' ? 'edited' : source}
          data-testid="lab-source"
          onChange={(e) => (e.target.value === DRAWING ? labActions.useDrawing(networkInput) : labActions.choosePreset(e.target.value))}
        >
          {presets?.inputs.map((p) => (
            <option key={p.id} value={p.id}>
              {t(`lab.presets.${p.id as InputPresetId}`)}
            </option>
          ))}
          <option value={DRAWING}>{t('lab.input.drawing')}</option>
          {source === 'edited' && <option value="edited">{t('lab.input.edited')}</option>}
        </select>
      </label>
      <p className="small muted">{drawing ? t('lab.input.drawingExplain', { height: input.height, width: input.width }) : t(`lab.lesson.${(presets?.inputs.some((p) => p.id === source) ? source : 'edited') as LessonId}`)}</p>
      {!drawing && (
        <SegmentedControl label={t('lab.input.channels')} options={COUNTS.map((c) => ({ value: c, label: t('lab.input.channelCount', { count: Number(c) }) }))} value={String(input.channels) as '1'} onChange={(v) => labActions.setChannels(Number(v))} testId="lab-channels" />
      )}
      <div className="lab-maps">
        {Array.from({ length: input.channels }, (_, c) => (
          <figure key={c} className="lab-map">
            <MatrixGrid
              values={input.data}
              offset={c * size}
              height={input.height}
              width={input.width}
              padding={padding}
              window={window}
              label={t('lab.channelName', { n: c + 1 })}
              onEdit={drawing ? undefined : labActions.setCell}
              testId={`lab-input-${c}`}
            />
            {input.channels > 1 && <figcaption className="small muted">{t('lab.channelName', { n: c + 1 })}</figcaption>}
          </figure>
        ))}
      </div>
    </section>
  );
}

function KernelSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const presets = useLab((s) => s.presets);
  const kernels = useLab((s) => s.kernels);
  const inChannels = useLab((s) => s.input.channels);
  const choice = useLab((s) => s.kernelChoice);
  const bias = useLab((s) => s.bias);
  const models = useStudio((s) => s.models);
  // the shipped models' first layers (a personal model's C1 is one of theirs, fine-tuned or not)
  const bundled = (arch: string) => models.find((m) => m.bundled && m.arch === arch)?.id ?? '';
  const modern = useLayerKernels(bundled('modern'), 'C1', bundled('modern') !== '');
  const classic = useLayerKernels(bundled('classic'), 'C1', bundled('classic') !== '');
  const learned = [
    ['modern', modern],
    ['classic', classic],
  ] as const;
  const size = kernels.height * kernels.width;

  const choose = (value: string) => {
    const preset = presets?.kernels.find((k) => k.id === value);
    if (preset) return labActions.chooseKernel(value, preset.height, preset.width, preset.data);
    const [, model, map] = value.split(':');
    const state = learned.find(([m]) => m === model)?.[1];
    if (state?.status !== 'ready') return;
    const [, , kh, kw] = state.kernels.shape;
    labActions.chooseKernel(value, kh, kw, state.kernels.data.slice(Number(map) * kh * kw, (Number(map) + 1) * kh * kw));
  };
  const denominator = presets?.kernels.find((k) => k.id === choice)?.denominator ?? null;

  return (
    <section className="lab-section" aria-labelledby="lab-kernel-title">
      <h3 id="lab-kernel-title">{t('lab.kernel.title')}</h3>
      <label className="lab-field">
        <span>{t('lab.kernel.preset')}</span>
        <select value={choice ?? ''} onChange={(e) => choose(e.target.value)} data-testid="lab-kernel-preset">
          <option value="" disabled>
            {t('lab.kernel.custom')}
          </option>
          {presets?.kernels.map((k) => (
            <option key={k.id} value={k.id}>
              {t(`lab.kernels.${k.id as KernelPresetId}`)}
            </option>
          ))}
          {learned.map(([model, state]) =>
            state.status === 'ready' ? (
              <optgroup key={model} label={t('lab.kernel.learned', { model: t(`lab.model.${model}`) })}>
                {Array.from({ length: state.kernels.shape[0] }, (_, m) => (
                  <option key={m} value={`C1:${model}:${m}`}>
                    {t('lab.kernel.c1', { model: t(`lab.model.${model}`), map: m })}
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
        </select>
      </label>
      <p className="small muted">{choice?.startsWith('C1:') ? t('lab.kernel.learnedExplain') : t('lab.kernel.explain')}</p>
      {denominator !== null && <p className="small">{t('lab.kernel.fraction', { denominator })}</p>}
      <SegmentedControl label={t('lab.kernel.outMaps')} options={COUNTS.map((c) => ({ value: c, label: t('lab.kernel.mapCount', { count: Number(c) }) }))} value={String(kernels.outMaps) as '1'} onChange={(v) => labActions.setOutMaps(Number(v))} testId="lab-outmaps" />
      <div className="lab-kernels">
        {Array.from({ length: kernels.outMaps }, (_, o) => (
          <div key={o} className="lab-kernel-row">
            {Array.from({ length: inChannels }, (_, c) => (
              <figure key={c} className="lab-map">
                <MatrixGrid values={kernels.data} offset={(o * inChannels + c) * size} height={kernels.height} width={kernels.width} label={t('lab.kernel.name', { out: o + 1, in: c + 1 })} onEdit={labActions.setKernelCell} testId={`lab-kernel-${o}-${c}`} />
                <figcaption className="small muted">{t('lab.kernel.name', { out: o + 1, in: c + 1 })}</figcaption>
              </figure>
            ))}
            <label className="lab-number">
              <span>{t('lab.kernel.bias', { out: o + 1 })}</span>
              <input type="text" inputMode="decimal" defaultValue={format.value(bias[o] ?? 0)} key={`${o}:${bias[o]}`} data-testid={`lab-bias-${o}`} onBlur={(e) => {
                const v = Number(e.target.value.replace(',', '.'));
                if (Number.isFinite(v)) labActions.setBias(o, v);
              }} />
            </label>
          </div>
        ))}
      </div>
    </section>
  );
}

function GeometrySection() {
  const { t } = useTranslation();
  const format = useFormat();
  const stride = useLab((s) => s.stride);
  const padding = useLab((s) => s.padding);
  const result = useLab((s) => s.result);
  return (
    <section className="lab-section" aria-labelledby="lab-geometry-title">
      <h3 id="lab-geometry-title">{t('lab.geometry.title')}</h3>
      <div className="lab-row">
        <SmallNumber label={t('lab.geometry.padH')} value={padding[0]} min={0} max={10} onChange={(v) => labActions.setPadding(0, v)} testId="lab-pad-h" />
        <SmallNumber label={t('lab.geometry.padW')} value={padding[1]} min={0} max={10} onChange={(v) => labActions.setPadding(1, v)} testId="lab-pad-w" />
        <SmallNumber label={t('lab.geometry.strideH')} value={stride[0]} min={1} max={8} onChange={(v) => labActions.setStride(0, v)} testId="lab-stride-h" />
        <SmallNumber label={t('lab.geometry.strideW')} value={stride[1]} min={1} max={8} onChange={(v) => labActions.setStride(1, v)} testId="lab-stride-w" />
      </div>
      {result && <FormulaView formula={result.formula} />}
      {result && (
        <p className="lab-shape" data-testid="lab-shape">
          {t('lab.geometry.output', { height: result.conv.height, width: result.conv.width, maps: result.conv.channels, params: format.integer(result.params), macs: format.integer(result.macs) })}
        </p>
      )}
    </section>
  );
}

/** The 1x1 convolution beside a 3x3 one over the same channels: parameters and multiply-accumulates from the calculator. */
function OneByOneNote() {
  const { t } = useTranslation();
  const format = useFormat();
  const result = useLab((s) => s.result);
  const input = useLab((s) => s.input);
  const kernels = useLab((s) => s.kernels);
  const stride = useLab((s) => s.stride);
  const [other, setOther] = useState<LabLayersResponse | null>(null);
  const oneByOne = kernels.height === 1 && kernels.width === 1;
  useEffect(() => {
    if (!oneByOne) return;
    let live = true;
    void api()
      .then((c) => c.labLayers({ chain: { input: [input.channels, input.height, input.width], layers: [{ kind: 'conv', name: 'k3x3', filters: kernels.outMaps, kernel: [3, 3], stride: [stride[0], stride[1]], padding: [1, 1] }] } }))
      .then((r) => live && setOther(r), () => live && setOther(null));
    return () => {
      live = false;
    };
  }, [oneByOne, input.channels, input.height, input.width, kernels.outMaps, stride]);
  if (!oneByOne || !result || !other) return null;
  return (
    <p className="lab-note" data-testid="lab-one-by-one">
      {t('lab.oneByOne', {
        cin: input.channels, cout: kernels.outMaps, params: format.integer(result.params), macs: format.integer(result.macs),
        params3: format.integer(other.totalParams), macs3: format.integer(other.totalMacs),
      })}
    </p>
  );
}

function OutputSection() {
  const { t } = useTranslation();
  const result = useLab((s) => s.result);
  const unit = useLab((s) => s.unit);
  const playing = useLab((s) => s.playing);
  const fn = useLab((s) => s.fn);
  const error = useLab((s) => s.error);
  if (!result) return error ? <p className="error small" role="alert">{error}</p> : null;
  const out = result.activated;
  const size = out.height * out.width;
  return (
    <section className="lab-section" aria-labelledby="lab-output-title">
      <h3 id="lab-output-title">{t('lab.output.title')}</h3>
      <p className="small muted">{t(fn === 'identity' ? 'lab.output.explain' : 'lab.output.explainActivated', { fn: t(`lab.fn.${fn}`) })}</p>
      {error && <p className="error small" role="alert" data-testid="lab-error">{error}</p>}
      <div className="lab-maps">
        {Array.from({ length: out.channels }, (_, m) => (
          <figure key={m} className="lab-map">
            <MatrixGrid
              values={out.data}
              offset={m * size}
              height={out.height}
              width={out.width}
              label={t('lab.output.map', { n: m + 1 })}
              marked={unit.map === m ? unit : null}
              onSelect={(row, col) => labActions.setUnit({ map: m, row, col })}
              testId={`lab-output-${m}`}
            />
            <figcaption className="small muted">{t('lab.output.map', { n: m + 1 })}</figcaption>
          </figure>
        ))}
      </div>
      <div className="lab-row">
        <button type="button" className="tool" onClick={labActions.step} data-testid="lab-step">
          {t('lab.output.step')}
        </button>
        <button type="button" className="tool" aria-pressed={playing} onClick={() => labActions.setPlaying(!playing)} data-testid="lab-play">
          {playing ? t('lab.output.pause') : t('lab.output.play')}
        </button>
        <span className="small muted">{t('lab.output.hint')}</span>
      </div>
      {result.worked && (
        <div className="lab-worked">
          <h4>{t('lab.output.worked', { map: result.worked.map + 1, row: result.worked.row + 1, col: result.worked.col + 1 })}</h4>
          <WorkedSumView worked={result.worked} channelName={(c) => t('lab.channelName', { n: c + 1 })} testId="lab-worked" />
        </div>
      )}
      <OneByOneNote />
    </section>
  );
}

function ActivationSection() {
  const { t } = useTranslation();
  const fn = useLab((s) => s.fn);
  const slope = useLab((s) => s.slope);
  const result = useLab((s) => s.result);
  const w = result?.worked;
  return (
    <section className="lab-section" aria-labelledby="lab-act-title">
      <h3 id="lab-act-title">{t('lab.act.title')}</h3>
      <p className="small muted">{t(`lab.act.explain.${fn}`)}</p>
      <div className="lab-row">
        <label className="lab-field">
          <span>{t('lab.act.function')}</span>
          <select value={fn} onChange={(e) => labActions.setFunction(e.target.value as LabFunction)} data-testid="lab-fn">
            {LAB_FUNCTIONS.map((f) => (
              <option key={f} value={f}>
                {t(`lab.fn.${f}`)}
              </option>
            ))}
          </select>
        </label>
        {fn === 'leaky-relu' && (
          <label className="lab-number">
            <span>{t('lab.act.slope')}</span>
            <input type="number" min={0} max={1} step={0.01} value={slope} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && e.target.valueAsNumber >= 0 && e.target.valueAsNumber <= 1 && labActions.setSlope(e.target.valueAsNumber)} />
          </label>
        )}
      </div>
      {result && (
        <ActivationPlot
          x={result.curve.x}
          y={result.curve.y}
          dy={result.curve.dy}
          name={t(`lab.fn.${fn}`)}
          identity={fn === 'identity'}
          point={w ? { z: w.preActivation, value: w.value, derivative: w.derivative } : null}
        />
      )}
    </section>
  );
}

function PoolSection() {
  const { t } = useTranslation();
  const pool = useLab((s) => s.pool);
  const result = useLab((s) => s.result);
  const poolUnit = useLab((s) => s.poolUnit);
  const kind = pool?.kind ?? 'none';
  const setKind = (k: 'none' | 'max' | 'avg') => labActions.setPool(k === 'none' ? null : { kind: k, size: pool?.size ?? [2, 2], stride: pool?.stride ?? [2, 2] });
  const pooled = result?.pooled;
  const size = pooled ? pooled.height * pooled.width : 0;
  return (
    <section className="lab-section" aria-labelledby="lab-pool-title">
      <h3 id="lab-pool-title">{t('lab.pool.title')}</h3>
      <p className="small muted">{t('lab.pool.explain')}</p>
      <SegmentedControl
        label={t('lab.pool.kind')}
        options={(['none', 'max', 'avg'] as const).map((k) => ({ value: k, label: t(`lab.pool.${k}`) }))}
        value={kind}
        onChange={setKind}
        testId="lab-pool"
      />
      {pool && (
        <div className="lab-row">
          <SmallNumber label={t('lab.pool.size')} value={pool.size[0]} min={1} max={8} onChange={(v) => labActions.setPool({ ...pool, size: [v, v] })} testId="lab-pool-size" />
          <SmallNumber label={t('lab.pool.stride')} value={pool.stride[0]} min={1} max={8} onChange={(v) => labActions.setPool({ ...pool, stride: [v, v] })} testId="lab-pool-stride" />
        </div>
      )}
      {pool && result?.poolFormula && (
        <p className="small" data-testid="lab-pool-shape">
          {t('lab.pool.output', { height: result.poolFormula.height.out, width: result.poolFormula.width.out })}
        </p>
      )}
      {pooled && (
        <div className="lab-maps">
          {Array.from({ length: pooled.channels }, (_, m) => (
            <figure key={m} className="lab-map">
              <MatrixGrid values={pooled.data} offset={m * size} height={pooled.height} width={pooled.width} label={t('lab.pool.map', { n: m + 1 })} marked={poolUnit.map === m ? poolUnit : null} onSelect={(row, col) => labActions.setPoolUnit({ map: m, row, col })} testId={`lab-pooled-${m}`} />
            </figure>
          ))}
        </div>
      )}
      {result?.poolWorked && <WorkedSumView worked={result.poolWorked} channelName={(c) => t('lab.output.map', { n: c + 1 })} testId="lab-pool-worked" />}
    </section>
  );
}

/** The convolution lab: the lessons of a CNN course on small matrices or on the drawing, every number the core's. */
export function LabPanel() {
  const { t } = useTranslation();
  useEffect(() => startLab(), []);
  return (
    <div className="lab" data-testid="lab">
      <header className="lab__header">
        <h2>{t('lab.title')}</h2>
        <p className="small muted">{t('lab.intro')}</p>
      </header>
      <div className="lab__columns">
        <div className="lab__column">
          <InputSection />
          <KernelSection />
          <GeometrySection />
        </div>
        <div className="lab__column">
          <OutputSection />
          <ActivationSection />
          <PoolSection />
        </div>
      </div>
      <LayerCalculator />
    </div>
  );
}
