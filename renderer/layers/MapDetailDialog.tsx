import '../ui/dialog.css';
import './MapDetailDialog.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { actions, useStudio, type SelectedMap } from '../state/store.ts';
import type { LayerInfo, LayerKernels, ModelInfo } from '../transport/index.ts';
import { CloseIcon } from '../ui/icons.tsx';
import { useModalDialog } from '../ui/useModalDialog.ts';
import { largestMagnitude } from './colorScale.ts';
import { ColorLegend } from './ColorLegend.tsx';
import { HeatmapCanvas } from './HeatmapCanvas.tsx';
import { hasOwnActivation, layerLayout, layerScaleKinds, preActivationScaleKinds, vectorColumns } from './layerDisplay.ts';
import { shownLayerValues } from './layerValues.ts';
import { layerName } from './layerText.ts';
import { useLayerKernels } from './useLayerKernels.ts';
import { UnitWorkedSum } from './UnitWorkedSum.tsx';
import { TopExamples } from '../explain/TopExamples.tsx';

const KERNEL_PX = 64;

function ConvKernels({ kernels, map, from }: { kernels: LayerKernels; map: number; from: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [, inChannels, kh, kw] = kernels.shape;
  const size = kh * kw;
  const reads = kernels.connections?.[map];
  const connected = (c: number) => !reads || reads.includes(c);
  const filterOffset = map * inChannels * size;
  let limit = 0;
  for (let c = 0; c < inChannels; c++) if (connected(c)) limit = Math.max(limit, largestMagnitude(kernels.data, filterOffset + c * size, size));
  return (
    <>
      <p className="muted small">{t('detail.kernelsExplain', { kh, kw, bias: format.value(kernels.bias[map] ?? 0) })}</p>
      <ol className="kernel-grid" data-testid="kernels" data-count={reads ? reads.length : inChannels}>
        {Array.from({ length: inChannels }, (_, c) => (
          <li key={c} className={connected(c) ? 'kernel' : 'kernel kernel--off'}>
            {connected(c) ? (
              <HeatmapCanvas values={kernels.data} offset={filterOffset + c * size} height={kh} width={kw} scale="diverging" limit={limit} displaySize={KERNEL_PX} label={t('detail.kernelFrom', { layer: from, map: c })} />
            ) : (
              <span className="kernel__off" style={{ width: KERNEL_PX, height: KERNEL_PX }}>
                {t('detail.notConnected')}
              </span>
            )}
            <span className="small muted">{t('detail.kernelFrom', { layer: from, map: c })}</span>
          </li>
        ))}
      </ol>
      <ColorLegend kind="diverging" limit={limit} perMap={false} />
    </>
  );
}

function DenseWeights({ kernels, unit, from }: { kernels: LayerKernels; unit: number; from: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const inFeatures = kernels.shape[1];
  const columns = vectorColumns(inFeatures);
  const rows = Math.ceil(inFeatures / columns);
  const limit = largestMagnitude(kernels.data, unit * inFeatures, inFeatures);
  return (
    <>
      <p className="muted small">
        {t('detail.weights', { count: inFeatures, from })} {t('detail.weightsExplain', { bias: format.value(kernels.bias[unit] ?? 0) })}
      </p>
      <HeatmapCanvas values={kernels.data} offset={unit * inFeatures} height={rows} width={columns} scale="diverging" limit={limit} displaySize={16 * Math.max(rows, columns)} label={t('detail.weights', { count: inFeatures, from })} className="heatmap--vector" />
      <ColorLegend kind="diverging" limit={limit} perMap={false} />
    </>
  );
}

/** Text keyed by kind that explains what a layer without weights computes (the rest say "no weights"). */
const NO_WEIGHTS_TEXT: Partial<Record<LayerInfo['kind'], 'detail.maxpool' | 'detail.rbf'>> = { maxpool: 'detail.maxpool', rbf: 'detail.rbf' };

function Weights({ model, layer, map, from }: { model: ModelInfo; layer: LayerInfo; map: number; from: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const state = useLayerKernels(model.id, layer.name, layer.hasWeights);
  const [kh, kw] = layer.kernel ?? [1, 1];
  const explained = layer.hasWeights ? undefined : NO_WEIGHTS_TEXT[layer.kind];
  if (explained) return <p className="small">{t(explained, { kh, kw, from, map })}</p>;
  if (state.status === 'none') return <p className="small">{t('detail.noWeights')}</p>;
  if (state.status === 'loading') return <p className="muted small">{t('detail.loading')}</p>;
  if (state.status === 'failed') return <p className="error small">{t('detail.failed', { message: state.message })}</p>;
  const kernels = state.kernels;
  switch (kernels.layout) {
    case 'per-map':
      return <p className="small">{t('detail.subsample', { kh, kw, from, map, coef: format.value(kernels.data[map] ?? 0), bias: format.value(kernels.bias[map] ?? 0) })}</p>;
    case 'matrix':
      return <DenseWeights kernels={kernels} unit={map} from={from} />;
    case 'kernels':
      return <ConvKernels kernels={kernels} map={map} from={from} />;
  }
}

function DetailBody({ selected, model }: { selected: SelectedMap; model: ModelInfo }) {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = useStudio((s) => s.prediction);
  const wanted = useStudio((s) => s.layerValues);
  const values = shown ? shownLayerValues(shown.response, wanted) : null;
  const index = model.layers.findIndex((l) => l.name === selected.layer);
  const layer = model.layers[index];
  const [, mapH = 1, mapW = 1] = layer?.outputShape ?? [];
  // the unit whose worked sum is shown: the map's strongest until the pointer or the fields move it
  const [unit, setUnit] = useState(() => {
    const data = values?.activations.find((a) => a.name === layer?.name)?.data;
    let best = 0;
    const n = mapH * mapW;
    if (data && layer?.outputShape.length === 3) for (let i = 1; i < n; i++) if (data[selected.map * n + i] > data[selected.map * n + best]) best = i;
    return { row: Math.floor(best / mapW), col: best % mapW };
  });
  if (!layer) return null;
  const from = index > 0 ? layerName(t, model.layers[index - 1].name) : t('detail.input');
  const activation = shown?.response.modelId === model.id ? values?.activations.find((a) => a.name === layer.name) : undefined;
  const layout = activation ? layerLayout(activation.shape) : null;
  const pre = values?.shown === 'pre';
  const scale = shown ? (pre ? preActivationScaleKinds : layerScaleKinds)(model.layers, shown.response.networkInput.data.every((v) => v >= 0))[index] : 'diverging';
  const valuesCaption = activation ? (
    <p className="muted small" data-testid="detail-values">
      {pre ? (hasOwnActivation(layer) ? t('detail.valuesPre') : t('layers.preSame')) : hasOwnActivation(layer) ? t('detail.valuesPost') : t('detail.valuesOutput')}
    </p>
  ) : null;

  let picture = null;
  if (activation && layout?.kind === 'maps') {
    const size = layout.height * layout.width;
    const limit = largestMagnitude(activation.data, selected.map * size, size);
    picture = (
      <figure className="detail__map">
        <div className="unit-sum-stage">
        <HeatmapCanvas
          values={activation.data}
          offset={selected.map * size}
          height={layout.height}
          width={layout.width}
          scale={scale}
          limit={limit}
          displaySize={252}
          label={`${t('detail.title', { layer: layerName(t, layer.name), map: selected.map })}. ${t('layers.unitKeys')}`}
          onHoverUnit={(hovered) => {
            actions.hoverUnit(hovered && { modelId: model.id, layer: layer.name, map: selected.map, ...hovered });
            if (hovered) setUnit({ row: hovered.row, col: hovered.col });
          }}
        />
          <span className="unit-sum-marker" aria-hidden="true" style={{ top: `${(unit.row / layout.height) * 100}%`, left: `${(unit.col / layout.width) * 100}%`, width: `${100 / layout.width}%`, height: `${100 / layout.height}%` }} />
        </div>
        <ColorLegend kind={scale} limit={limit} perMap={false} />
        {valuesCaption}
      </figure>
    );
  } else if (activation) {
    picture = (
      <div>
        <p className="detail__value" data-testid="detail-value">{format.value(activation.data[selected.map] ?? 0)}</p>
        {valuesCaption}
      </div>
    );
  }

  return (
    <div className="detail__body">
      {picture}
      <div className="detail__weights">
        <h3>{t(NO_WEIGHTS_TEXT[layer.kind] ? 'detail.howComputed' : 'detail.kernels')}</h3>
        <Weights model={model} layer={layer} map={selected.map} from={from} />
        <UnitWorkedSum modelId={model.id} layer={layer} from={from} map={selected.map} unit={unit} onUnit={setUnit} />
      </div>
    </div>
  );
}

/** A map enlarged, with the weights that produced it. A modal <dialog>: Esc closes, focus returns. */
export function MapDetailDialog() {
  const { t } = useTranslation();
  const selected = useStudio((s) => s.selected);
  const model = useStudio((s) => (s.selected ? s.modelInfo[s.selected.modelId] : undefined));
  const open = Boolean(selected && model);
  const dialogRef = useModalDialog(open);

  const isMap = model && selected ? layerLayout(model.layers.find((l) => l.name === selected.layer)?.outputShape ?? []).kind === 'maps' : true;
  const title = selected ? t(isMap ? 'detail.title' : 'detail.titleUnit', { layer: layerName(t, selected.layer), map: selected.map }) : '';
  return (
    <dialog ref={dialogRef} className="dialog detail" aria-labelledby="detail-title" onClose={() => actions.selectMap(null)} data-testid="map-detail">
      {selected && model && (
        <>
          <header className="dialog__header">
            <h2 id="detail-title">{title}</h2>
            <button type="button" className="tool tool--icon" aria-label={t('detail.close')} title={t('detail.close')} onClick={() => actions.selectMap(null)} autoFocus>
              <CloseIcon />
            </button>
          </header>
          <DetailBody key={`${selected.modelId}/${selected.layer}/${selected.map}`} selected={selected} model={model} />
          <TopExamples modelId={model.id} layer={selected.layer} unit={selected.map} />
        </>
      )}
    </dialog>
  );
}
