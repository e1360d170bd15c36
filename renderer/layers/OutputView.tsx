import './OutputView.css';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { actions } from '../state/store.ts';
import { largestMagnitude, type ScaleKind } from './colorScale.ts';
import { useDisplayScale } from './displayScale.ts';
import { layerName } from './layerText.ts';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';

const BASE_CELL = 40;

/** The output layer's ten values under their digits; the winner (the core's top) is marked. Clicking a digit opens its unit (its worked sum and probability). */
export function OutputView({ modelId, layer, data, scale, top, head }: { modelId: string; layer: string; data: Float32Array; scale: ScaleKind; top: number; head: 'softmax' | 'rbf' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const CELL = Math.round(BASE_CELL * useDisplayScale());
  const hoveredUnit = useRef(-1);
  return (
    <div className="output-view" data-testid={`maps-${layer}`} data-count={1}>
      <p className="muted small">{head === 'rbf' ? t('layers.outputRbf') : t('layers.outputSoftmax')}</p>
      <div className="output-view__cells" style={{ width: CELL * data.length }}>
        <HeatmapCanvas
          values={data}
          offset={0}
          height={1}
          width={data.length}
          scale={scale}
          limit={largestMagnitude(data, 0, data.length)}
          displaySize={CELL * data.length}
          label={`${t('layers.vectorLabel', { layer: layerName(t, layer), count: data.length })} ${t('layers.unitKeys')}`}
          className="heatmap--vector"
          onHoverUnit={(unit) => {
            hoveredUnit.current = unit ? unit.col : -1;
            actions.hoverUnit(unit && { modelId, layer, map: unit.col, row: 0, col: 0, value: unit.value });
          }}
          onActivate={() => actions.selectMap({ modelId, layer, map: Math.max(0, hoveredUnit.current) })}
        />
        <div className="output-view__labels" aria-hidden="true">
          {Array.from(data, (v, digit) => (
            <span key={digit} className={digit === top ? 'output-view__label output-view__label--top' : 'output-view__label'} style={{ width: CELL }}>
              <b>{digit}</b>
              <small>{format.value(v)}</small>
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
