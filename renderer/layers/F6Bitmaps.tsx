import './F6Bitmaps.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { ModelInfo } from '../transport/index.ts';
import { actions } from '../state/store.ts';
import { largestMagnitude } from './colorScale.ts';
import { useDisplayScale } from './displayScale.ts';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';

const BASE_HEIGHT_PX = 108;
const BASE_PAIR_PX = 44;

interface Props {
  readonly modelId: string;
  readonly layer: string;
  /** F6's 84 values after its activation: what the RBF output reads. */
  readonly data: ArrayLike<number>;
  /** The RBF output's ten distances, as the core computed them (index = digit). */
  readonly distances: ArrayLike<number> | null;
  readonly top: number;
  readonly bitmaps: NonNullable<ModelInfo['rbfBitmaps']>;
}

/**
 * The classic model's F6 as the 7x12 image its RBF output compares with each digit's code bitmap: the
 * image beside every digit's code with the distance between them (the sum of squared differences, the
 * RBF unit's output), the smallest marked, so "≈" is a number.
 */
export function F6Bitmaps({ modelId, layer, data, distances, top, bitmaps }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const { width, height } = bitmaps;
  const scale = useDisplayScale();
  const HEIGHT_PX = Math.round(BASE_HEIGHT_PX * scale);
  const PAIR_PX = Math.round(BASE_PAIR_PX * scale);
  if (data.length !== width * height || bitmaps.data.length === 0) return null;
  // All on one scale: the bitmaps are +-1, F6's squashed units reach +-1.7159.
  const limit = Math.max(1, largestMagnitude(data, 0, data.length));
  let nearest = -1;
  if (distances) for (let d = 0; d < distances.length; d++) if (nearest < 0 || distances[d] < distances[nearest]) nearest = d;
  return (
    <div className="f6-bitmaps" data-testid="f6-bitmaps" data-nearest={nearest}>
      <figure className="f6-bitmaps__f6">
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
      <ol className="f6-bitmaps__codes" aria-label={t('layers.f6Codes')}>
        {bitmaps.data.map((code, digit) => {
          const distance = distances ? distances[digit] : null;
          const label = distance === null ? t('layers.f6Bitmap', { digit }) : t('layers.f6Pair', { digit, distance: format.value(distance) });
          return (
            <li key={digit} className={digit === nearest ? 'f6-pair f6-pair--nearest' : 'f6-pair'} data-testid={`f6-pair-${digit}`} data-distance={distance ?? ''} aria-label={label}>
              <span className="f6-pair__images" aria-hidden="true">
                <HeatmapCanvas values={data} offset={0} height={height} width={width} scale="diverging" limit={limit} displaySize={PAIR_PX} label={t('layers.f6Image')} />
                <span className="f6-pair__vs">≈</span>
                <HeatmapCanvas values={code} offset={0} height={height} width={width} scale="diverging" limit={limit} displaySize={PAIR_PX} label={t('layers.f6Bitmap', { digit })} />
              </span>
              <span className="f6-pair__digit" aria-hidden="true">
                <b>{digit}</b> {distance !== null && <span className="f6-pair__distance">{format.value(distance)}</span>}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="muted small f6-bitmaps__explain" data-testid="f6-verdict">
        {nearest >= 0 && distances ? t('layers.f6Nearest', { digit: nearest, distance: format.value(distances[nearest]) }) : t('layers.f6Bitmap', { digit: top })} {t('layers.f6Explain')}
      </p>
    </div>
  );
}
