import './FeatureMapGrid.css';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { actions } from '../state/store.ts';
import type { ScaleKind } from './colorScale.ts';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';
import { useMapScale } from './displayScale.ts';
import { layerName } from './layerText.ts';
import { mapColumns, mapDisplaySize, mapLimits, type MapsLayout } from './layerDisplay.ts';

interface Props {
  readonly modelId: string;
  readonly layer: string;
  readonly layout: MapsLayout;
  readonly data: ArrayLike<number>;
  readonly scale: ScaleKind;
  readonly perLayer: boolean;
}

/** Every map of a convolution or pooling layer, each a focusable button that opens its details. */
export function FeatureMapGrid({ modelId, layer, layout, data, scale, perLayer }: Props) {
  const { t } = useTranslation();
  const mapSize = layout.height * layout.width;
  const limits = mapLimits(data, layout.maps, mapSize, perLayer);
  const size = Math.round(mapDisplaySize(layout.height) * useMapScale());
  return (
    <ol className="map-grid" data-testid={`maps-${layer}`} data-count={layout.maps} style={{ '--map-columns': mapColumns(layout.maps), '--map-size': `${size}px` } as CSSProperties}>
      {limits.map((limit, map) => (
        <li key={map} className="map-grid__item">
          <HeatmapCanvas
            values={data}
            offset={map * mapSize}
            height={layout.height}
            width={layout.width}
            scale={scale}
            limit={limit}
            displaySize={size}
            label={`${t('layers.mapLabel', { layer: layerName(t, layer), map })} ${t('layers.unitKeys')}`}
            onHoverUnit={(unit) => actions.hoverUnit(unit && { modelId, layer, map, ...unit })}
            onActivate={() => actions.selectMap({ modelId, layer, map })}
          />
          <span className="map-grid__index" aria-hidden="true">
            {map}
          </span>
        </li>
      ))}
    </ol>
  );
}
