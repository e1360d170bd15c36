import './F6Bitmaps.css';
import { useTranslation } from 'react-i18next';
import type { ModelInfo } from '../transport/index.ts';
import { actions } from '../state/store.ts';
import { largestMagnitude } from './colorScale.ts';
import { useDisplayScale } from './displayScale.ts';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';

const BASE_HEIGHT_PX = 108;

/**
 * The classic model's F6 as the 7x12 image its RBF output compares with each digit's code bitmap, next
 * to the bitmap of the digit that won.
 */
export function F6Bitmaps({ modelId, layer, data, top, bitmaps }: { modelId: string; layer: string; data: ArrayLike<number>; top: number; bitmaps: NonNullable<ModelInfo['rbfBitmaps']> }) {
  const { t } = useTranslation();
  const { width, height } = bitmaps;
  const HEIGHT_PX = Math.round(BASE_HEIGHT_PX * useDisplayScale());
  const winner = bitmaps.data[top];
  if (data.length !== width * height || !winner) return null;
  // Both on one scale: the bitmap is +-1, F6's squashed units reach +-1.7159.
  const limit = Math.max(1, largestMagnitude(data, 0, data.length));
  return (
    <div className="f6-bitmaps" data-testid="f6-bitmaps">
      <figure>
        <HeatmapCanvas
          values={data}
          offset={0}
          height={height}
          width={width}
          scale="diverging"
          limit={limit}
          displaySize={HEIGHT_PX}
          label={`${t('layers.f6Image')}. ${t('layers.unitKeys')}`}
          onHoverUnit={(unit) => actions.hoverUnit(unit && { modelId, layer, map: unit.row * width + unit.col, row: 0, col: 0, value: unit.value })}
        />
        <figcaption className="small">{t('layers.f6Image')}</figcaption>
      </figure>
      <span className="f6-bitmaps__vs" aria-hidden="true">
        ≈
      </span>
      <figure>
        <HeatmapCanvas values={winner} offset={0} height={height} width={width} scale="diverging" limit={limit} displaySize={HEIGHT_PX} label={t('layers.f6Bitmap', { digit: top })} />
        <figcaption className="small">{t('layers.f6Bitmap', { digit: top })}</figcaption>
      </figure>
      <p className="muted small f6-bitmaps__explain">{t('layers.f6Explain')}</p>
    </div>
  );
}
