import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { actions } from '../state/store.ts';
import { largestMagnitude, type ScaleKind } from './colorScale.ts';
import { useDisplayScale } from './displayScale.ts';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';
import { layerName } from './layerText.ts';
import type { VectorLayout } from './layerDisplay.ts';

interface Props {
  readonly modelId: string;
  readonly layer: string;
  readonly layout: VectorLayout;
  readonly data: ArrayLike<number>;
  readonly scale: ScaleKind;
  readonly cell: number;
  /** Clicking a unit opens its weights (layers with weights only). */
  readonly openable: boolean;
}

/** A layer of single units (C5's 120, F6's 84) wrapped into rows of cells; unit k is row k / columns. */
export function VectorView({ modelId, layer, layout, data, scale, cell, openable }: Props) {
  const { t } = useTranslation();
  const rows = Math.ceil(layout.length / layout.columns);
  const hoveredUnit = useRef(-1);
  const cellPx = Math.round(cell * useDisplayScale());
  return (
    <div className="vector" data-testid={`maps-${layer}`} data-count={1}>
      <HeatmapCanvas
        values={data}
        offset={0}
        height={rows}
        width={layout.columns}
        scale={scale}
        limit={largestMagnitude(data, 0, layout.length)}
        displaySize={cellPx * Math.max(rows, layout.columns)}
        label={`${t('layers.vectorLabel', { layer: layerName(t, layer), count: layout.length })} ${t('layers.unitKeys')}`}
        units={layout.length}
        className="heatmap--vector"
        onHoverUnit={(unit) => {
          const index = unit ? unit.row * layout.columns + unit.col : -1;
          hoveredUnit.current = index;
          actions.hoverUnit(unit && index < layout.length ? { modelId, layer, map: index, row: 0, col: 0, value: data[index] } : null);
        }}
        onActivate={openable ? () => actions.selectMap({ modelId, layer, map: Math.max(0, hoveredUnit.current) }) : undefined}
      />
    </div>
  );
}
