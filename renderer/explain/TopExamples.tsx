import './TopExamples.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Responses } from '../../main/api/contract.ts';
import { api } from '../app/client.ts';
import { errorText } from '../i18n/errorText.ts';
import { useFormat } from '../i18n/format.ts';
import { GrayImage } from '../sees/GrayImage.tsx';
import { FeatureVisView } from './FeatureVisView.tsx';

type TopAnswer = Responses['topActivations'];
const THUMB = 64;

/**
 * The MNIST test digits that excite a unit most, each with the receptive field of its strongest
 * position outlined and its value: computed once per model by the core (in a worker, then cached),
 * with progress while that runs.
 */
export function TopExamples({ modelId, layer, unit }: { modelId: string; layer: string; unit: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [answer, setAnswer] = useState<TopAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let stop: (() => void) | null = null;
    setAnswer(null);
    setError(null);
    const ask = async () => {
      const client = await api();
      const r = await client.topActivations({ modelId, layer, unit });
      if (!live) return;
      setAnswer(r);
      if (r.state === 'building' && !stop) {
        stop = client.onEvent('topActivationsProgress', (p) => {
          if (!live || p.modelId !== modelId) return;
          if (p.state === 'building') setAnswer({ state: 'building', modelId, done: p.done, total: p.total });
          else void ask().catch((e: unknown) => live && setError(errorText(e)));
        });
      }
    };
    ask().catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
      stop?.();
    };
  }, [modelId, layer, unit]);

  return (
    <section className="top-examples" aria-labelledby="top-examples-title">
      <FeatureVisView modelId={modelId} layer={layer} unit={unit} />
      <div className="top-examples__lists">
        <div className="top-examples__list" data-testid="top-examples" data-state={answer?.state ?? (error ? 'failed' : 'loading')}>
          <h3 id="top-examples-title">{t('explain.topTitle')}</h3>
          {error && <p className="error small">{t('explain.topFailed', { message: error })}</p>}
          {answer?.state === 'failed' && <p className="error small">{t('explain.topFailed', { message: errorText(new Error(answer.message)) })}</p>}
          {answer?.state === 'building' && (
            <div className="top-examples__progress" role="status">
              <span className="small muted">{t('explain.topBuilding', { done: format.integer(answer.done), total: format.integer(answer.total) })}</span>
              <progress max={answer.total || 1} value={answer.done} />
            </div>
          )}
          {answer?.state === 'ready' && (
            <>
              <p className="muted small">{t(answer.lowIsStrong ? 'explain.topHowRbf' : 'explain.topHow', { count: answer.examples.length, searched: format.integer(answer.searched) })}</p>
              <ol className="top-examples__grid">
                {answer.examples.map((x, i) => (
                  <li key={x.index} className="top-examples__item" data-testid={`top-example-${i}`} data-index={x.index} data-value={x.value}>
                    <GrayImage
                      image={{ width: 28, height: 28, data: answer.images.subarray(i * 784, (i + 1) * 784) }}
                      displaySize={THUMB}
                      label={t('explain.topItem', { index: x.index, label: x.label, value: format.value(x.value) })}
                      outline={x.field}
                    />
                    <span className="small">
                      <b>{x.label}</b> <span className="muted">{format.value(x.value)}</span>
                    </span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
        <OwnTopExamples modelId={modelId} layer={layer} unit={unit} />
      </div>
    </section>
  );
}

type OwnAnswer = Responses['topOwnSamples'];

/**
 * The person's own samples that excite the unit most, beside the MNIST digits: the core runs the
 * model over all of them (kept until the samples change); asked again whenever a sample is added,
 * relabelled or deleted.
 */
function OwnTopExamples({ modelId, layer, unit }: { modelId: string; layer: string; unit: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [answer, setAnswer] = useState<OwnAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    let live = true;
    let stop: (() => void) | null = null;
    void api().then((client) => {
      if (live) stop = client.onEvent('samplesChanged', () => setChanges((n) => n + 1));
    });
    return () => {
      live = false;
      stop?.();
    };
  }, []);

  useEffect(() => {
    let live = true;
    setError(null);
    void (async () => {
      try {
        const r = await (await api()).topOwnSamples({ modelId, layer, unit });
        if (live) setAnswer(r);
      } catch (e) {
        if (live) setError(errorText(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [modelId, layer, unit, changes]);

  const current = answer && answer.modelId === modelId && answer.layer === layer && answer.unit === unit ? answer : null;
  const state = error ? 'failed' : !current ? 'loading' : current.searched === 0 ? 'empty' : 'ready';
  return (
    <div className="top-examples__list" data-testid="own-top-examples" data-state={state} data-searched={current?.searched ?? ''}>
      <h3>{t('explain.ownTitle')}</h3>
      {error && <p className="error small">{t('explain.ownFailed', { message: error })}</p>}
      {state === 'loading' && <p className="muted small">{t('explain.ownLoading')}</p>}
      {state === 'empty' && <p className="muted small" data-testid="own-top-empty">{t('explain.ownEmpty')}</p>}
      {state === 'ready' && current && (
        <>
          <p className="muted small">{t(current.lowIsStrong ? 'explain.ownHowRbf' : 'explain.ownHow', { count: current.examples.length, searched: format.integer(current.searched) })}</p>
          <ol className="top-examples__grid">
            {current.examples.map((x, i) => (
              <li key={x.sampleId} className="top-examples__item" data-testid={`own-example-${i}`} data-sample={x.sampleId} data-value={x.value}>
                <GrayImage
                  image={{ width: 28, height: 28, data: current.images.subarray(i * 784, (i + 1) * 784) }}
                  displaySize={THUMB}
                  label={t('explain.ownItem', { label: x.label, value: format.value(x.value) })}
                  outline={x.field}
                />
                <span className="small">
                  <b>{x.label}</b> <span className="muted">{format.value(x.value)}</span>
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
