import './LayersPanel.css';
import { useDeferredValue, useRef, type MouseEvent } from 'react';
import { DRAWING_FIELD_ID } from '../drawing/DrawingCanvas.tsx';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { actions, useStudio, type LayerValues, type Scaling } from '../state/store.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { useElementWidth } from '../ui/useElementWidth.ts';
import { DisplayScaleContext, displayScaleFor, MapBoostContext } from './displayScale.ts';
import { layerScaleKinds, preActivationScaleKinds } from './layerDisplay.ts';
import { shownLayerValues } from './layerValues.ts';
import { layerName } from './layerText.ts';
import { LayerSection } from './LayerSection.tsx';

/** The list of layer sections: the "skip to the layers" link focuses it. */
export const LAYERS_LIST_ID = 'layers-list';
const LAYERS_END_ID = 'layers-end';

/** Presentation mode draws feature maps this much larger, to be read from the back of a room. */
const PRESENTATION_MAP_BOOST = 1.4;

function skipTo(event: MouseEvent, id: string): void {
  event.preventDefault();
  document.getElementById(id)?.focus();
}

function HoverReadout() {
  const { t } = useTranslation();
  const format = useFormat();
  const hovered = useStudio((s) => s.hovered);
  const info = useStudio((s) => (s.hovered ? s.modelInfo[s.hovered.modelId] : undefined));
  let text: string = t('layers.hoverNone');
  if (hovered && info) {
    const layer = info.layers.find((l) => l.name === hovered.layer);
    const isOutput = info.layers.at(-1)?.name === hovered.layer;
    const value = format.value(hovered.value);
    if (layer && layer.outputShape.length === 3 && layer.outputShape[1] * layer.outputShape[2] > 1) {
      text = t('layers.hoverMap', { layer: layerName(t, hovered.layer), map: hovered.map, row: hovered.row, col: hovered.col, value });
    } else {
      text = t(isOutput ? 'layers.hoverOutput' : 'layers.hoverVector', { layer: layerName(t, hovered.layer), unit: hovered.map, value });
    }
  }
  return (
    <p className={hovered ? 'readout readout--on' : 'readout'} aria-live="polite" data-testid="hover-readout">
      {text}
    </p>
  );
}

/** Every layer of the model that computed the prediction on screen, in order. */
export function LayersPanel() {
  const { t } = useTranslation();
  // Redrawing every map is the heaviest work of a prediction: as a deferred value React renders it in
  // small interruptible slices, so pointer input and the stroke on the canvas never wait for it.
  const shown = useDeferredValue(useStudio((s) => s.prediction));
  const scaling = useStudio((s) => s.scaling);
  const presenting = useStudio((s) => s.presenting);
  const listRef = useRef<HTMLDivElement>(null);
  const displayScale = displayScaleFor(useElementWidth(listRef, 0) - 32);
  const hovered = useStudio((s) => s.hovered);
  const selected = useStudio((s) => s.selected);
  const modelInfo = useStudio((s) => s.modelInfo);
  const model = shown ? modelInfo[shown.response.modelId] : undefined;
  const response = shown?.response;

  const wantedValues = useStudio((s) => s.layerValues);
  const scalingOptions: { value: Scaling; label: string; tip: string }[] = [
    { value: 'map', label: t('layers.perMap'), tip: t('layers.perMapTip') },
    { value: 'layer', label: t('layers.perLayer'), tip: t('layers.perLayerTip') },
  ];
  const valueOptions: { value: LayerValues; label: string; tip: string }[] = [
    { value: 'post', label: t('layers.valuesPost'), tip: t('layers.valuesPostTip') },
    { value: 'pre', label: t('layers.valuesPre'), tip: t('layers.valuesPreTip') },
  ];

  let sections = null;
  let shownValues: LayerValues | '' = '';
  if (response && model) {
    const inputNonNegative = response.networkInput.data.every((v) => v >= 0);
    const values = shownLayerValues(response, wantedValues);
    shownValues = values.shown;
    const kinds = (values.shown === 'pre' ? preActivationScaleKinds : layerScaleKinds)(model.layers, inputNonNegative);
    const byName = new Map(values.activations.map((a) => [a.name, a]));
    // the classic model's F6 image is compared with the code bitmaps after its activation, whatever is shown
    const outputs = new Map(response.activations.map((a) => [a.name, a]));
    const focus = selected?.modelId === model.id ? selected : hovered?.modelId === model.id ? hovered : null;
    sections = model.layers.map((layer, index) => {
      const activation = byName.get(layer.name);
      if (!activation) return null;
      return (
        <LayerSection
          key={`${model.id}/${layer.name}`}
          model={model}
          layer={layer}
          index={index}
          activation={activation}
          output={outputs.get(layer.name) ?? activation}
          next={index + 1 < model.layers.length ? outputs.get(model.layers[index + 1].name) : undefined}
          values={values.shown}
          scale={kinds[index]}
          perLayer={scaling === 'layer'}
          top={response.top}
          highlightMap={focus && focus.layer === layer.name ? focus.map : null}
        />
      );
    });
  }

  return (
    <section className="panel layers" aria-labelledby="layers-title" data-testid="layers" data-model={model?.id ?? ''} data-values={shownValues}>
      <header className="layers__header">
        <div>
          <h2 id="layers-title">{t('layers.title')}</h2>
          <p className="muted small">{t('layers.hint')}</p>
        </div>
        <div className="layers__controls">
          <div className="layers__control">
            <span className="header-field__label">{t('layers.scaling')}</span>
            <SegmentedControl label={t('layers.scaling')} options={scalingOptions} value={scaling} onChange={actions.setScaling} testId="scaling-switcher" />
          </div>
          <div className="layers__control">
            <span className="header-field__label">{t('layers.values')}</span>
            <SegmentedControl label={t('layers.values')} options={valueOptions} value={wantedValues} onChange={actions.setLayerValues} testId="values-switcher" />
          </div>
        </div>
      </header>
      <HoverReadout />
      {/* Past the maps (dozens of tab stops) to the end of the layers, and from there back to the drawing. */}
      <a className="skip-link layers__skip" href={`#${LAYERS_END_ID}`} onClick={(e) => skipTo(e, LAYERS_END_ID)} data-testid="skip-past-maps">
        {t('skip.pastMaps')}
      </a>
      <div className="layers__list" ref={listRef} id={LAYERS_LIST_ID} tabIndex={-1}>
        <DisplayScaleContext.Provider value={displayScale}>
          <MapBoostContext.Provider value={presenting ? PRESENTATION_MAP_BOOST : 1}>{sections ?? <p className="muted">{t('layers.waiting')}</p>}</MapBoostContext.Provider>
        </DisplayScaleContext.Provider>
        <a className="skip-link layers__skip" id={LAYERS_END_ID} href={`#${DRAWING_FIELD_ID}`} onClick={(e) => skipTo(e, DRAWING_FIELD_ID)} data-testid="back-to-drawing">
          {t('skip.backToDrawing')}
        </a>
      </div>
    </section>
  );
}
