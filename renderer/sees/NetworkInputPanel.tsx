import './NetworkInputPanel.css';
import { useTranslation } from 'react-i18next';
import { actions, useStudio, type HoveredUnit } from '../state/store.ts';
import type { ModelInfo } from '../transport/index.ts';
import { clipRect, unitField, type PixelRect } from '../layers/receptiveField.ts';
import { layerName } from '../layers/layerText.ts';
import { GrayImage } from './GrayImage.tsx';
import { PreprocessSteps } from './PreprocessSteps.tsx';

/** The hovered unit's receptive field in network-input pixels, or null when it sees everything or nothing is hovered. */
function hoveredField(hovered: HoveredUnit | null, info: ModelInfo | undefined, height: number, width: number): { rect: PixelRect | null; whole: boolean } | null {
  if (!hovered || !info || hovered.modelId !== info.id) return null;
  const layer = info.layers.find((l) => l.name === hovered.layer);
  if (!layer) return null;
  const rect = clipRect(unitField(layer.receptiveField, hovered.row, hovered.col), height, width);
  const whole = rect.top <= 0 && rect.left <= 0 && rect.bottom >= height - 1 && rect.right >= width - 1;
  return { rect, whole };
}

export function NetworkInputPanel() {
  const { t } = useTranslation();
  const shown = useStudio((s) => s.prediction);
  const showSteps = useStudio((s) => s.showSteps);
  const hovered = useStudio((s) => s.hovered);
  const info = useStudio((s) => (shown ? s.modelInfo[shown.response.modelId] : undefined));
  const response = shown?.response;
  const image = response?.networkInput;
  const field = image ? hoveredField(hovered, info, image.height, image.width) : null;

  return (
    <section className="panel sees" aria-labelledby="sees-title">
      <header className="panel__header">
        <h2 id="sees-title">{t('sees.title')}</h2>
      </header>
      <div className="sees__body">
        {image ? (
          <GrayImage image={image} displaySize={140} label={t('sees.imageLabel')} outline={field?.rect ?? null} testId="network-input" />
        ) : (
          <div className="gray-image gray-image--placeholder" style={{ width: 140, height: 140 }} />
        )}
        <div className="sees__text">
          <p className="muted small">{response?.arch === 'classic' ? t('sees.captionClassic') : t('sees.captionModern')}</p>
          <p className="small field-note" aria-live="polite">
            {hovered && field
              ? field.whole
                ? t('sees.fieldWhole', { layer: layerName(t, hovered.layer) })
                : t('sees.fieldOutline', { layer: layerName(t, hovered.layer), row: hovered.row, col: hovered.col })
              : ''}
          </p>
          <button type="button" className="link-button" aria-expanded={showSteps} aria-controls="preprocess-steps" aria-keyshortcuts="S" onClick={actions.toggleSteps} data-testid="toggle-steps">
            {showSteps ? t('sees.hideSteps') : t('sees.showSteps')}
          </button>
        </div>
      </div>
      {showSteps && <PreprocessSteps steps={response?.steps} empty={response?.empty ?? true} />}
    </section>
  );
}
