import './LayerSection.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { LayerActivation, LayerInfo, ModelInfo } from '../transport/index.ts';
import type { ScaleKind } from './colorScale.ts';
import { largestMagnitude } from './colorScale.ts';
import { ColorLegend } from './ColorLegend.tsx';
import { ConnectionTable } from './ConnectionTable.tsx';
import { F6Bitmaps } from './F6Bitmaps.tsx';
import { FeatureMapGrid } from './FeatureMapGrid.tsx';
import { layerLayout } from './layerDisplay.ts';
import { describeLayer, formatShape, layerName } from './layerText.ts';
import { OutputView } from './OutputView.tsx';
import { VectorView } from './VectorView.tsx';

interface Props {
  readonly model: ModelInfo;
  readonly layer: LayerInfo;
  readonly index: number;
  readonly activation: LayerActivation;
  readonly scale: ScaleKind;
  readonly perLayer: boolean;
  readonly top: number;
  /** The C3 map to highlight in the connection table (hovered or opened). */
  readonly highlightMap: number | null;
}

/** One layer: what it is (shape, parameters, MACs) and what it computed for the current drawing. */
export function LayerSection({ model, layer, index, activation, scale, perLayer, top, highlightMap }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const layout = layerLayout(activation.shape);
  const isOutput = index === model.layers.length - 1;
  const showF6Image = model.rbfBitmaps && index === model.layers.length - 2 && layout.kind === 'vector' && layout.length === model.rbfBitmaps.width * model.rbfBitmaps.height;
  const previousName = index > 0 ? model.layers[index - 1].name : null;

  let body;
  if (layout.kind === 'maps') {
    body = <FeatureMapGrid modelId={model.id} layer={layer.name} layout={layout} data={activation.data} scale={scale} perLayer={perLayer} />;
  } else if (isOutput) {
    body = <OutputView modelId={model.id} layer={layer.name} data={activation.data} scale={scale} top={top} head={model.head} />;
  } else if (showF6Image && model.rbfBitmaps) {
    body = <F6Bitmaps modelId={model.id} layer={layer.name} data={activation.data} top={top} bitmaps={model.rbfBitmaps} />;
  } else {
    body = <VectorView modelId={model.id} layer={layer.name} layout={layout} data={activation.data} scale={scale} cell={layout.length > 60 ? 18 : 26} openable={layer.hasWeights} />;
  }

  const legendLimit = largestMagnitude(activation.data, 0, activation.data.length);
  return (
    <section className="layer" aria-labelledby={`layer-${layer.name}`} data-testid={`layer-${layer.name}`} data-layer={layer.name}>
      <header className="layer__header">
        <h3 id={`layer-${layer.name}`} className="layer__name">
          {layerName(t, layer.name)}
        </h3>
        <div className="layer__facts">
          <span className="layer__what">{describeLayer(t, layer)}</span>
          <dl className="layer__stats">
            <div>
              <dt>{t('layers.output')}</dt>
              <dd>{formatShape(layer.outputShape)}</dd>
            </div>
            <div>
              <dt>{t('layers.params')}</dt>
              <dd>{format.integer(layer.params)}</dd>
            </div>
            <div>
              <dt>{t('layers.macs')}</dt>
              <dd>{format.integer(layer.macs)}</dd>
            </div>
          </dl>
        </div>
      </header>
      <div className="layer__body">
        {body}
        {!showF6Image && <ColorLegend kind={scale} limit={legendLimit} perMap={layout.kind === 'maps' && !perLayer} />}
      </div>
      {layer.connections && previousName && <ConnectionTable connections={layer.connections} inputMaps={layer.inputShape[0] ?? 0} highlight={highlightMap} />}
    </section>
  );
}
