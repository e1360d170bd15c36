import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Responses } from '../../main/api/contract.ts';
import { api } from '../app/client.ts';
import { useFormat } from '../i18n/format.ts';
import { GrayImage } from '../sees/GrayImage.tsx';

type FeatureVisAnswer = Responses['featureVisualization'];

/**
 * The synthesized input that excites a unit most, computed by the core in a worker; looking elsewhere
 * (another unit, or closing the view) cancels it.
 */
export function FeatureVisView({ modelId, layer, unit }: { modelId: string; layer: string; unit: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [answer, setAnswer] = useState<FeatureVisAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let pending = true;
    setAnswer(null);
    setError(null);
    void (async () => {
      try {
        const r = await (await api()).featureVisualization({ modelId, layer, unit });
        pending = false;
        if (live) setAnswer(r);
      } catch (e) {
        pending = false;
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
      if (pending) void api().then((client) => client.cancelFeatureVisualization({})).catch(() => undefined);
    };
  }, [modelId, layer, unit]);

  const done = answer?.state === 'done' ? answer : null;
  const beats = done && done.bestTestValue !== null ? (done.lowIsStrong ? done.value < done.bestTestValue : done.value > done.bestTestValue) : null;
  return (
    <figure className="feature-vis" data-testid="feature-vis" data-state={error ? 'failed' : (answer?.state ?? 'running')} data-value={done?.value ?? ''}>
      <figcaption className="feature-vis__title">{t('explain.visTitle')}</figcaption>
      {!answer && !error && <p className="muted small" role="status">{t('explain.visRunning')}</p>}
      {error && <p className="error small">{t('explain.topFailed', { message: error })}</p>}
      {done && (
        <>
          <GrayImage image={done.image} displaySize={96} label={t('explain.visLabel', { layer, unit })} />
          <span className="small">
            {t('explain.visValue', { value: format.value(done.value) })}
            {done.bestTestValue !== null && <> · {t(beats ? 'explain.visBeats' : 'explain.visBelow', { best: format.value(done.bestTestValue) })}</>}
          </span>
          <p className="muted small feature-vis__how">{t('explain.visHow', { steps: done.steps, ms: format.integer(done.ms) })}</p>
        </>
      )}
    </figure>
  );
}
