import './ExplainPanel.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SidePanel } from '../app/SidePanel.tsx';
import { useFormat } from '../i18n/format.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { AttributionMap } from './AttributionMap.tsx';
import { explainActions, GRADIENT_METHODS, useExplain, type GradientMethod } from './explainState.ts';
import { startLiveExplanation } from './liveExplanation.ts';
import { StrokeWhatIf } from './StrokeWhatIf.tsx';

const DIGITS = Array.from({ length: 10 }, (_, d) => d);
const MAP_SIZE = 168;

/**
 * "Why does it read that?": attribution for the current drawing, computed by the core and following
 * the pen while this view is open. The person picks the class to explain (default: the winner) and,
 * optionally, a class to compare it with.
 */
export function ExplainPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const target = useExplain((s) => s.target);
  const versus = useExplain((s) => s.versus);
  const method = useExplain((s) => s.method);
  const shown = useExplain((s) => s.shown);
  const error = useExplain((s) => s.error);

  useEffect(() => startLiveExplanation(), []);

  const response = shown?.response ?? null;
  const explained = response?.target ?? target;
  const methodLabels: Record<GradientMethod, string> = {
    saliency: t('explain.saliency'),
    gradientTimesInput: t('explain.gradientTimesInput'),
    integratedGradients: t('explain.integratedGradients'),
  };
  const gradientMap = response && (method === 'saliency' ? response.saliency : method === 'gradientTimesInput' ? response.gradientTimesInput : response.integratedGradients?.map ?? null);
  const question = response
    ? response.versus === null
      ? t('explain.questionOne', { target: response.target })
      : t('explain.questionTwo', { target: response.target, versus: response.versus })
    : null;

  return (
    <SidePanel view="explain" title={t('explain.title')} hint={t('explain.hint')} data-testid="explain-panel">
      <div className="side-panel__body explain">
        <div className="explain__pickers">
          <SegmentedControl
            label={t('explain.target')}
            testId="explain-target"
            value={target === null ? 'auto' : String(target)}
            options={[{ value: 'auto', label: t('explain.winner'), tip: t('explain.winnerTip') }, ...DIGITS.map((d) => ({ value: String(d), label: String(d) }))]}
            onChange={(v) => explainActions.setTarget(v === 'auto' ? null : Number(v))}
          />
          <span className="explain__picker-label muted small">{t('explain.versus')}</span>
          <SegmentedControl
            label={t('explain.versus')}
            testId="explain-versus"
            value={versus === null ? 'none' : String(versus)}
            options={[{ value: 'none', label: t('explain.none') }, ...DIGITS.filter((d) => d !== explained).map((d) => ({ value: String(d), label: String(d) }))]}
            onChange={(v) => explainActions.setVersus(v === 'none' ? null : Number(v))}
          />
        </div>

        {error && (
          <p className="explain__error" role="alert">
            {t('explain.failed', { message: error })}
          </p>
        )}
        {!response && !error && <p className="muted">{t('explain.empty')}</p>}

        {response && shown && (
          <>
            <p className="explain__summary" data-testid="explain-summary" data-target={response.target} data-versus={response.versus ?? ''}>
              <span>{t('explain.reads', { digit: response.top, percent: format.percent(response.probabilities[response.top]) })}</span>{' '}
              <strong>{question}</strong>
            </p>
            <div className="explain__maps">
              <div className="explain__map-column">
                <SegmentedControl label={t('explain.method')} testId="explain-method" value={method} options={GRADIENT_METHODS.map((m) => ({ value: m, label: methodLabels[m] }))} onChange={explainActions.setMethod} />
                {gradientMap && (
                  <AttributionMap
                    testId="explain-gradient-map"
                    map={gradientMap}
                    input={response.input}
                    size={MAP_SIZE}
                    title={methodLabels[method]}
                    label={t('explain.mapLabel', { method: methodLabels[method] })}
                    caption={
                      method === 'saliency'
                        ? t('explain.saliencyHow')
                        : method === 'gradientTimesInput'
                          ? t('explain.gradientTimesInputHow')
                          : t('explain.integratedHow', { steps: response.integratedGradients?.steps ?? 0, sum: format.value(response.integratedGradients?.sum ?? 0), expected: format.value(response.integratedGradients?.expected ?? 0) })
                    }
                  />
                )}
              </div>
              <AttributionMap
                testId="explain-occlusion-map"
                map={response.occlusion.map}
                input={response.input}
                size={MAP_SIZE}
                title={t('explain.occlusion')}
                label={t('explain.mapLabel', { method: t('explain.occlusion') })}
                caption={t('explain.occlusionHow', { patch: response.occlusion.patch, stride: response.occlusion.stride, base: format.percent(response.occlusion.base) })}
              />
            </div>
            <section className="explain__strokes" aria-labelledby="explain-strokes-title">
              <h3 id="explain-strokes-title" className="explain__subtitle">
                {t('explain.whatIf')}
              </h3>
              <p className="muted small">{t('explain.whatIfHow')}</p>
              <StrokeWhatIf response={response} ink={shown.ink} />
            </section>
          </>
        )}
      </div>
    </SidePanel>
  );
}
