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
import { hasOwnActivation, layerLayout } from './layerDisplay.ts';
import type { LayerValues } from '../state/store.ts';
import { describeLayer, formatShape, layerName } from './layerText.ts';
import { OutputView } from './OutputView.tsx';
import { VectorView } from './VectorView.tsx';

/** The activation functions the interface names in its own words. */
const NAMED_ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'lecun-tanh', 'identity'] as const;

interface Props {
  readonly model: ModelInfo;
  readonly layer: LayerInfo;
  readonly index: number;
  /** The values drawn: the layer's output, or its values before its activation (see `values`). */
  readonly activation: LayerActivation;
  /** The layer's output (after its activation), whatever is drawn. */
  readonly output: LayerActivation;
  /** The next layer's output (the classic F6 is shown with the RBF distances it leads to). */
  readonly next: LayerActivation | undefined;
  readonly values: LayerValues;
  readonly scale: ScaleKind;
  readonly perLayer: boolean;
  readonly top: number;
  /** The C3 map to highlight in the connection table (hovered or opened). */
  readonly highlightMap: number | null;
}

/** One layer: what it is (shape, parameters, MACs) and what it computed for the current drawing. */
export function LayerSection({ model, layer, index, activation, output, next, values, scale, perLayer, top, highlightMap }: Props) {
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
  } else if (showF6Image && model.rbfBitmaps && values === 'post') {
    body = <F6Bitmaps modelId={model.id} layer={layer.name} data={output.data} distances={next?.data ?? null} top={top} bitmaps={model.rbfBitmaps} />;
  } else {
    body = <VectorView modelId={model.id} layer={layer.name} layout={layout} data={activation.data} scale={scale} cell={layout.length > 60 ? 18 : 26} openable={layer.hasWeights} />;
  }
  const own = hasOwnActivation(layer);
  const known = NAMED_ACTIVATIONS.find((k) => k === layer.activation);
  const valuesNote = values === 'pre' ? (
    <p className="muted small layer__values" data-testid={`values-note-${layer.name}`}>
      {own ? t('layers.preNote', { fn: known ? t(`layers.activation.${known}`) : (layer.activation ?? '') }) : t('layers.preSame')}
    </p>
  ) : null;
  const drawnF6 = showF6Image && values === 'post';

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
      {valuesNote}
      <div className="layer__body">
        {body}
        {!drawnF6 && <ColorLegend kind={scale} limit={legendLimit} perMap={layout.kind === 'maps' && !perLayer} />}
      </div>
      {showF6Image && values === 'pre' && model.rbfBitmaps && (
        <div className="layer__body">
          <F6Bitmaps modelId={model.id} layer={layer.name} data={output.data} distances={next?.data ?? null} top={top} bitmaps={model.rbfBitmaps} />
        </div>
      )}
      {layer.connections && previousName && <ConnectionTable connections={layer.connections} inputMaps={layer.inputShape[0] ?? 0} highlight={highlightMap} />}
    </section>
  );
}
