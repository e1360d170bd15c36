import './TrainingPanel.css';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SidePanel } from '../app/SidePanel.tsx';
import { cancelTraining, decide, refreshTrainingStatus, startTraining } from '../app/personalSession.ts';
import { useDuration, useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import type { CurvePoint } from '../state/personalState.ts';
import { useStudio } from '../state/store.ts';
import type { LayerChoice } from '../transport/index.ts';
import { PlayIcon, StopIcon } from '../ui/icons.tsx';
import { palette } from '../ui/palette.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { LiveChart, type ChartSeries } from './LiveChart.tsx';
import { ResultCard } from './ResultCard.tsx';
import { modelName } from '../model/modelName.ts';

const TRAIN_COLOUR = palette.accent;
const HELD_OUT_COLOUR = palette.highlight;
const ACCURACY_RANGE = [0, 1] as const;

function Readiness() {
  const { t } = useTranslation();
  const total = useStudio((s) => s.personal.total);
  const counts = useStudio((s) => s.personal.counts);
  const status = useStudio((s) => s.personal.training.status);
  const min = status?.minSamples ?? 10;
  const enough = status?.enoughPerDigit ?? 10;
  const short = (counts ?? []).map((c, d) => [d, c] as const).filter(([, c]) => c < enough).map(([d]) => d);
  const ready = total >= min;
  return (
    <div className={ready ? 'readiness' : 'readiness readiness--short'} data-testid="readiness" data-ready={ready}>
      <p>{ready ? t('train.ready', { total }) : t('train.notReady', { total, min })}</p>
      {ready && short.length === 10 && <p className="small">{t('train.fewAll', { enough })}</p>}
      {ready && short.length > 0 && short.length < 10 && <p className="small">{t('train.fewDigits', { digits: short.join(', '), enough })}</p>}
      {!ready && (
        <button type="button" className="link-button" onClick={() => personalActions.setView('samples')}>
          {t('train.goCollect')}
        </button>
      )}
    </div>
  );
}

function Progress() {
  const { t } = useTranslation();
  const format = useFormat();
  const duration = useDuration();
  const training = useStudio((s) => s.personal.training);
  const { progress, running, cancelling, starting, outcome } = training;
  const finished = !running && !starting && outcome !== null;
  const fraction = finished && outcome.status === 'done' ? 1 : (progress?.fraction ?? 0);
  let phase: string;
  if (finished) phase = t(outcome.status === 'done' ? 'train.phaseDone' : outcome.status === 'cancelled' ? 'train.phaseCancelled' : 'train.phaseFailed');
  else if (starting || (running && !progress)) phase = t('train.phaseStarting');
  else if (!progress) phase = '';
  else if (progress.phase === 'measuring-before') phase = t('train.phaseBefore');
  else if (progress.phase === 'measuring-after') phase = t('train.phaseAfter');
  else phase = t('train.phaseTraining', { epoch: progress.epoch + 1, epochs: progress.epochs, step: progress.step, steps: progress.stepsPerEpoch });
  if (cancelling && !finished) phase = t('train.cancelling');
  return (
    <div className="progress" data-testid="train-progress-block">
      <div className="progress__line">
        <span className="progress__phase" aria-live="polite">
          {phase}
        </span>
        <span className="progress__eta">
          {progress?.etaSec != null && running ? t('train.left', { time: duration(progress.etaSec) }) : progress ? t('train.elapsed', { time: duration(progress.elapsedSec) }) : ''}
        </span>
      </div>
      <div
        className="progress__bar"
        role="progressbar"
        aria-label={t('train.progress')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        data-testid="train-progress"
      >
        <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      {progress && progress.loss !== null && (
        <div className="progress__stats">
          <span>
            {t('train.loss')} <b>{format.value(progress.loss)}</b>
          </span>
          {progress.accuracy !== null && (
            <span>
              {t('train.accuracy')} <b>{format.percent(progress.accuracy, 1)}</b>
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function Curves({ points, epochs }: { points: readonly CurvePoint[]; epochs: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const lossSeries = useMemo<ChartSeries[]>(() => [{ label: t('train.lossTrain'), colour: TRAIN_COLOUR }], [t]);
  const accuracySeries = useMemo<ChartSeries[]>(
    () => [
      { label: t('train.accuracyTrain'), colour: TRAIN_COLOUR },
      { label: t('train.accuracyHeldOut'), colour: HELD_OUT_COLOUR, pointsOnly: true },
    ],
    [t],
  );
  const lossData = useMemo(() => [points.map((p) => p.x), points.map((p) => p.loss)], [points]);
  const accuracyData = useMemo(() => [points.map((p) => p.x), points.map((p) => p.accuracy), points.map((p) => p.heldOut)], [points]);
  return (
    <div className="curves">
      <LiveChart title={t('train.lossChart')} series={lossSeries} data={lossData} xMax={epochs} formatY={(v) => format.value(v)} xLabel={t('train.epochAxis')} testId="train-chart-loss" />
      <LiveChart title={t('train.accuracyChart')} series={accuracySeries} data={accuracyData} xMax={epochs} yRange={ACCURACY_RANGE} formatY={(v) => format.percent(v)} xLabel={t('train.epochAxis')} testId="train-chart-accuracy" />
    </div>
  );
}

/** Fine-tuning: the options, a start button, live progress and curves, then the result card. */
export function TrainingPanel() {
  const { t } = useTranslation();
  const training = useStudio((s) => s.personal.training);
  const layers = useStudio((s) => s.personal.trainLayers);
  const epochsChoice = useStudio((s) => s.personal.trainEpochs);
  const total = useStudio((s) => s.personal.total);
  const active = useStudio((s) => s.models.find((m) => m.id === s.activeModelId));
  const { status, running, starting, outcome } = training;
  const busy = running || starting;
  const min = status?.minSamples ?? 10;
  const epochs = epochsChoice ?? status?.defaultEpochs ?? 6;

  useEffect(() => {
    void refreshTrainingStatus();
  }, []);

  const layerOptions: { value: LayerChoice; label: string; tip: string }[] = [
    { value: 'all', label: t('train.layersAll'), tip: t('train.layersAllTip') },
    { value: 'top', label: t('train.layersTop'), tip: t('train.layersTopTip') },
    { value: 'classifier', label: t('train.layersClassifier'), tip: t('train.layersClassifierTip') },
  ];
  const chosen = layerOptions.find((o) => o.value === layers)!;
  const showCurves = busy || training.points.length > 0;

  return (
    <SidePanel view="train" title={t('train.title')} hint={t('train.hint')} data-testid="training" data-running={running} data-status={outcome?.status ?? ''}>
      <div className="side-panel__body">
        <Readiness />
        <fieldset className="train-options" disabled={busy}>
          <legend className="sr-only">{t('train.options')}</legend>
          <div className="train-options__row">
            <span className="train-options__label">{t('train.layers')}</span>
            <div>
              <SegmentedControl label={t('train.layers')} options={layerOptions} value={layers} onChange={personalActions.setTrainLayers} disabled={busy} testId="train-layers" />
              <p className="muted small train-options__help">{chosen.tip}</p>
            </div>
          </div>
          <div className="train-options__row">
            <label className="train-options__label" htmlFor="train-epochs">
              {t('train.epochs')}
            </label>
            <div className="train-options__epochs">
              <input
                id="train-epochs"
                className="number-input"
                type="number"
                min={1}
                max={50}
                step={1}
                value={epochs}
                onChange={(e) => {
                  const v = Math.round(Number(e.currentTarget.value));
                  personalActions.setTrainEpochs(Number.isFinite(v) ? Math.min(50, Math.max(1, v)) : null);
                }}
                data-testid="train-epochs"
              />
              <span className="muted small">{t('train.epochsHelp', { value: status?.defaultEpochs ?? 6 })}</span>
            </div>
          </div>
          <div className="train-options__row">
            <span className="train-options__label">{t('train.from')}</span>
            <span className="train-options__value">{active ? (active.bundled ? modelName(t, active) : `${modelName(t, active)} · ${active.id}`) : '–'}</span>
          </div>
        </fieldset>
        <div className="train-actions">
          {busy ? (
            <button type="button" className="tool tool--danger" onClick={() => void cancelTraining()} disabled={training.cancelling || starting} data-testid="train-cancel">
              <StopIcon />
              <span>{t('train.cancel')}</span>
            </button>
          ) : (
            <button type="button" className="tool tool--primary" onClick={() => void startTraining()} disabled={total < min} data-testid="train-start">
              <PlayIcon />
              <span>{t('train.start')}</span>
            </button>
          )}
          {!busy && total >= min && <span className="muted small">{t('train.background')}</span>}
        </div>
        {training.error && (
          <p className="error" role="alert" data-testid="train-error">
            {t('train.failed', { message: training.error })}
          </p>
        )}
        {(busy || training.progress) && <Progress />}
        {showCurves && <Curves points={training.points} epochs={training.epochs || epochs} />}
        {outcome?.status === 'cancelled' && (
          <p className="note" data-testid="train-cancelled">
            {t('train.cancelled')}
          </p>
        )}
        {outcome?.status === 'done' && <ResultCard result={outcome.result} deciding={training.deciding} onDecide={(d) => void decide(d)} />}
      </div>
    </SidePanel>
  );
}
