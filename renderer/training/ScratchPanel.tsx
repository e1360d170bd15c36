import './ScratchPanel.css';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SidePanel } from '../app/SidePanel.tsx';
import { useDuration, useFormat } from '../i18n/format.ts';
import { largestMagnitude } from '../layers/colorScale.ts';
import { HeatmapCanvas } from '../layers/HeatmapCanvas.tsx';
import { useStudio } from '../state/store.ts';
import { PlayIcon, StopIcon } from '../ui/icons.tsx';
import { palette } from '../ui/palette.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { LiveChart, type ChartSeries } from './LiveChart.tsx';
import { ProbeMaps } from './ProbeMaps.tsx';
import { controlScratch, decideScratch, listenToScratch, refreshScratchStatus, startScratch } from './scratchSession.ts';
import { scratchActions, useScratch, type ScratchOptions, type ScratchProbe, type ScratchProgress } from './scratchStore.ts';

const TRAIN_COLOUR = palette.accent;
const VALIDATION_COLOUR = palette.highlight;
const TEST_COLOUR = palette.text;
const ACCURACY_RANGE = [0, 1] as const;
const SIZES = [1000, 5000, 10_000, 30_000, 60_000] as const;

function NumberField({ id, label, value, min, max, step, onChange, help }: { id: string; label: string; value: number; min: number; max: number; step: number | 'any'; onChange: (v: number) => void; help?: string }) {
  return (
    <div className="scratch-field">
      <label htmlFor={id} className="scratch-field__label">
        {label}
      </label>
      <input
        id={id}
        className="number-input"
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          if (Number.isFinite(v) && v >= min && v <= max) onChange(v);
        }}
        data-testid={id}
      />
      {help && <span className="muted small">{help}</span>}
    </div>
  );
}

function Options({ options, disabled }: { options: ScratchOptions; disabled: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const total = useStudio((s) => s.personal.total);
  const set = scratchActions.setOption;
  return (
    <fieldset className="scratch-options" disabled={disabled}>
      <legend className="sr-only">{t('scratch.options')}</legend>
      <div className="scratch-field scratch-field--wide">
        <span className="scratch-field__label">{t('scratch.arch')}</span>
        <SegmentedControl
          label={t('scratch.arch')}
          options={[
            { value: 'modern', label: t('scratch.archModern'), tip: t('scratch.archModernTip') },
            { value: 'classic', label: t('scratch.archClassic'), tip: t('scratch.archClassicTip') },
          ]}
          value={options.arch}
          onChange={(v) => set('arch', v)}
          disabled={disabled}
          testId="scratch-arch"
        />
      </div>
      <div className="scratch-field scratch-field--wide">
        <label htmlFor="scratch-digits" className="scratch-field__label">
          {t('scratch.digits')}
        </label>
        <select id="scratch-digits" className="scratch-select" value={options.trainDigits} onChange={(e) => set('trainDigits', Number(e.currentTarget.value))} data-testid="scratch-digits">
          {SIZES.map((n) => (
            <option key={n} value={n}>
              {t('scratch.digitsOption', { n: format.integer(n) })}
            </option>
          ))}
        </select>
        <span className="muted small">{t('scratch.digitsHelp')}</span>
      </div>
      <div className="scratch-grid">
        <NumberField id="scratch-epochs" label={t('scratch.epochs')} value={options.epochs} min={1} max={50} step={1} onChange={(v) => set('epochs', Math.round(v))} />
        <NumberField id="scratch-batch" label={t('scratch.batch')} value={options.batchSize} min={1} max={512} step={1} onChange={(v) => set('batchSize', Math.round(v))} />
        <NumberField id="scratch-lr" label={t('scratch.learningRate')} value={options.learningRate} min={0.00001} max={1} step="any" onChange={(v) => v > 0 && set('learningRate', v)} />
        <NumberField id="scratch-seed" label={t('scratch.seed')} value={options.seed} min={0} max={2 ** 31 - 1} step={1} onChange={(v) => set('seed', Math.round(v))} />
      </div>
      <label className="scratch-check">
        <input type="checkbox" checked={options.augment} onChange={(e) => set('augment', e.currentTarget.checked)} data-testid="scratch-augment" />
        <span>{t('scratch.augment')}</span>
      </label>
      <label className="scratch-check">
        <input type="checkbox" checked={options.withSamples} disabled={disabled || total === 0} onChange={(e) => set('withSamples', e.currentTarget.checked)} data-testid="scratch-samples" />
        <span>{t('scratch.withSamples', { n: format.integer(total) })}</span>
      </label>
    </fieldset>
  );
}

function Stats({ progress }: { progress: ScratchProgress }) {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const fraction = progress.done / progress.total;
  return (
    <div className="progress" data-testid="scratch-progress" data-done={progress.done} data-state={progress.state}>
      <div className="progress__line">
        <span className="progress__phase" aria-live="polite">
          {t(progress.state === 'paused' ? 'scratch.phasePaused' : 'scratch.phase', { epoch: progress.epoch + 1, epochs: progress.epochs, step: format.integer(progress.step), steps: format.integer(progress.stepsPerEpoch) })}
        </span>
        <span className="progress__eta">{progress.etaSec !== null ? t('train.left', { time: duration(progress.etaSec) }) : ''}</span>
      </div>
      <div className="progress__bar" role="progressbar" aria-label={t('train.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress__stats">
        {progress.batch && (
          <span>
            {t('train.loss')} <b>{format.value(progress.batch.loss)}</b>
          </span>
        )}
        {progress.batch && (
          <span>
            {t('train.accuracy')} <b>{format.percent(progress.batch.accuracy, 1)}</b>
          </span>
        )}
        <span data-testid="scratch-speed">
          {t('scratch.speed')} <b>{format.integer(Math.round(progress.samplesPerSec))}</b>
        </span>
      </div>
    </div>
  );
}

function Curves({ epochs }: { epochs: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const curves = useScratch((s) => s.curves);
  const lossSeries = useMemo<ChartSeries[]>(() => [{ label: t('scratch.seriesTrain'), colour: TRAIN_COLOUR }, { label: t('scratch.seriesValidation'), colour: VALIDATION_COLOUR }], [t]);
  const accuracySeries = useMemo<ChartSeries[]>(
    () => [
      { label: t('scratch.seriesTrain'), colour: TRAIN_COLOUR },
      { label: t('scratch.seriesValidation'), colour: VALIDATION_COLOUR },
      { label: t('scratch.seriesTest'), colour: TEST_COLOUR, pointsOnly: true },
    ],
    [t],
  );
  const lossData = useMemo(() => [curves.x, curves.trainLoss, curves.validationLoss], [curves]);
  const accuracyData = useMemo(() => [curves.x, curves.trainAccuracy, curves.validationAccuracy, curves.testAccuracy], [curves]);
  return (
    <div className="curves">
      <LiveChart title={t('train.lossChart')} series={lossSeries} data={lossData} xMax={epochs} formatY={(v) => format.value(v)} xLabel={t('train.epochAxis')} testId="scratch-chart-loss" />
      <LiveChart title={t('train.accuracyChart')} series={accuracySeries} data={accuracyData} xMax={epochs} yRange={ACCURACY_RANGE} formatY={(v) => format.percent(v)} xLabel={t('train.epochAxis')} testId="scratch-chart-accuracy" />
    </div>
  );
}

/** C1's kernels as they are now, each on its own scale (red positive, blue negative). */
function Kernels({ progress }: { progress: ScratchProgress }) {
  const { t } = useTranslation();
  const [maps, , k] = progress.kernels.shape;
  const data = progress.kernels.data;
  return (
    <figure className="scratch-kernels" data-testid="scratch-kernels" data-done={progress.done}>
      <figcaption className="chart__title">{t('scratch.kernels')}</figcaption>
      <div className="scratch-kernels__grid">
        {Array.from({ length: maps }, (_, m) => (
          <HeatmapCanvas key={m} values={data} offset={m * k * k} height={k} width={k} scale="diverging" limit={largestMagnitude(data, m * k * k, k * k) || 1} displaySize={44} label={t('scratch.kernel', { n: m + 1 })} />
        ))}
      </div>
    </figure>
  );
}

/** The drawing through the network being trained: its probabilities and its feature maps, layer by layer. */
function Probe({ probe }: { probe: ScratchProbe | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <figure className="scratch-probe" data-testid="scratch-probe" data-top={probe?.top ?? ''} data-done={probe?.done ?? ''}>
      <figcaption className="chart__title">{t('scratch.probe')}</figcaption>
      {!probe ? (
        <p className="muted small">{t('scratch.probeHint')}</p>
      ) : (
        <>
          <ol className="scratch-bars" aria-label={t('scratch.probabilities')}>
            {probe.probabilities.map((p, d) => (
              <li key={d} className={d === probe.top ? 'scratch-bar scratch-bar--top' : 'scratch-bar'}>
                <span className="scratch-bar__digit">{d}</span>
                <span className="scratch-bar__track">
                  <span style={{ width: `${(p * 100).toFixed(1)}%` }} />
                </span>
                <span className="scratch-bar__value">{format.percent(p)}</span>
              </li>
            ))}
          </ol>
          <ProbeMaps activations={probe.activations} />
        </>
      )}
    </figure>
  );
}

function Result() {
  const { t } = useTranslation();
  const format = useFormat();
  const outcome = useScratch((s) => s.outcome);
  const deciding = useScratch((s) => s.deciding);
  if (outcome?.status !== 'done') return null;
  const r = outcome.result;
  return (
    <section className="result" aria-labelledby="scratch-result-title" data-testid="scratch-result" data-model={r.modelId}>
      <header className="result__header">
        <h3 id="scratch-result-title">{t('scratch.resultTitle')}</h3>
        <span className="tag">{t('result.took', { seconds: format.integer(r.seconds) })}</span>
      </header>
      <p>
        {t('scratch.resultTest', { accuracy: format.percent(r.testAccuracy, 2), n: format.integer(r.testCount) })}
      </p>
      <p className="muted small">
        {t('scratch.resultDetails', { train: format.integer(r.trainCount), validation: format.integer(r.validationCount), epochs: r.options.epochs, speed: format.integer(Math.round(r.samplesPerSec)) })}
      </p>
      <table className="scratch-history">
        <thead>
          <tr>
            <th scope="col">{t('train.epochAxis')}</th>
            <th scope="col">{t('scratch.seriesTrain')}</th>
            <th scope="col">{t('scratch.seriesValidation')}</th>
            <th scope="col">{t('scratch.seriesTest')}</th>
          </tr>
        </thead>
        <tbody>
          {r.history.map((e) => (
            <tr key={e.epoch}>
              <td>{format.integer(e.epoch + 1)}</td>
              <td>{format.percent(e.trainAccuracy, 1)}</td>
              <td>{format.percent(e.validationAccuracy, 1)}</td>
              <td>{format.percent(e.testAccuracy, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('scratch.parity', { diff: r.parityMaxDiff.toExponential(1) })}</p>
      <div className="result__actions">
        <button type="button" className="tool tool--primary" disabled={deciding} onClick={() => void decideScratch('activate')} data-testid="scratch-activate">
          {t('result.activate')}
        </button>
        <button type="button" className="tool" disabled={deciding} onClick={() => void decideScratch('keep')} data-testid="scratch-keep">
          {t('result.keep')}
        </button>
        <button type="button" className="tool tool--danger" disabled={deciding} onClick={() => void decideScratch('discard')} data-testid="scratch-discard">
          {t('result.discard')}
        </button>
      </div>
    </section>
  );
}

/** Training a LeNet-5 from scratch on MNIST, watched live: options, controls, curves, kernels, the drawing through it. */
export function ScratchPanel() {
  const { t } = useTranslation();
  const options = useScratch((s) => s.options);
  const state = useScratch((s) => s.state);
  const progress = useScratch((s) => s.progress);
  const probe = useScratch((s) => s.probe);
  const outcome = useScratch((s) => s.outcome);
  const error = useScratch((s) => s.error);
  const started = useScratch((s) => s.started);
  const busy = state !== 'idle';

  useEffect(() => {
    listenToScratch();
    void refreshScratchStatus();
  }, []);

  const epochs = started?.options.epochs ?? options?.epochs ?? 1;
  return (
    <SidePanel view="scratch" title={t('scratch.title')} hint={t('scratch.hint')} data-testid="scratch" data-state={state} data-status={outcome?.status ?? ''}>
      <div className="side-panel__body">
        {options && <Options options={options} disabled={busy} />}
        <div className="train-actions scratch-actions">
          {!busy ? (
            <button type="button" className="tool tool--primary" onClick={() => void startScratch()} disabled={!options} data-testid="scratch-start">
              <PlayIcon />
              <span>{t('scratch.start')}</span>
            </button>
          ) : (
            <>
              {state === 'paused' ? (
                <button type="button" className="tool tool--primary" onClick={() => void controlScratch('resume')} data-testid="scratch-resume">
                  {t('scratch.resume')}
                </button>
              ) : (
                <button type="button" className="tool" onClick={() => void controlScratch('pause')} disabled={state !== 'running'} data-testid="scratch-pause">
                  {t('scratch.pause')}
                </button>
              )}
              <button type="button" className="tool" onClick={() => void controlScratch('step')} disabled={state !== 'paused'} data-testid="scratch-step">
                {t('scratch.step')}
              </button>
              <button type="button" className="tool tool--danger" onClick={() => void controlScratch('cancel')} disabled={state === 'stopping' || state === 'starting'} data-testid="scratch-cancel">
                <StopIcon />
                <span>{t('scratch.cancel')}</span>
              </button>
            </>
          )}
        </div>
        {error && (
          <p className="error" role="alert" data-testid="scratch-error">
            {t('train.failed', { message: error })}
          </p>
        )}
        {state === 'starting' && <p className="muted">{t('scratch.starting')}</p>}
        {progress && <Stats progress={progress} />}
        {(progress || busy) && <Curves epochs={epochs} />}
        {progress && (
          <div className="scratch-live">
            <Kernels progress={progress} />
            <Probe probe={probe} />
          </div>
        )}
        {outcome?.status === 'cancelled' && (
          <p className="note" data-testid="scratch-cancelled">
            {t('scratch.cancelled')}
          </p>
        )}
        <Result />
      </div>
    </SidePanel>
  );
}
