import './ProbeMaps.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { largestMagnitude } from '../layers/colorScale.ts';
import { HeatmapCanvas } from '../layers/HeatmapCanvas.tsx';
import type { ScratchProbe } from './scratchStore.ts';

/** The layers whose maps the probe carries, in the order the drawing flows through them. */
const LAYERS = ['C1', 'S2', 'C3', 'S4'] as const;
type ProbeLayer = (typeof LAYERS)[number];

/**
 * How each layer's maps are laid out: six maps as 3 x 2, sixteen as 4 x 4, so a row never wraps
 * unevenly; smaller maps are drawn smaller, but never below a few pixels a unit.
 */
const GRID: Record<ProbeLayer, { columns: number; size: number }> = {
  C1: { columns: 3, size: 56 },
  S2: { columns: 3, size: 56 },
  C3: { columns: 4, size: 42 },
  S4: { columns: 4, size: 42 },
};

/**
 * The drawing's feature maps in the network being trained, one layer at a time (C1, S2, C3, S4), with
 * the weights of the moment. One colour scale per layer, so the maps of a layer compare.
 */
export function ProbeMaps({ activations }: { activations: ScratchProbe['activations'] }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<ProbeLayer>('C1');
  const available = LAYERS.filter((name) => activations.some((a) => a.name === name));
  if (available.length === 0) return null;
  const layer = available.includes(chosen) ? chosen : available[0];
  const maps = activations.find((a) => a.name === layer)!;
  const [count, height, width] = maps.shape;
  const limit = largestMagnitude(maps.data, 0, maps.data.length) || 1;
  const { columns, size } = GRID[layer];
  return (
    <div className="probe-maps">
      <div className="probe-maps__switch" role="group" aria-label={t('scratch.mapsLayer')} data-testid="scratch-probe-layers">
        {available.map((name) => (
          <button key={name} type="button" className="probe-maps__layer" aria-pressed={name === layer} onClick={() => setChosen(name)} data-value={name}>
            {name}
          </button>
        ))}
      </div>
      <div
        className="probe-maps__grid"
        style={{ gridTemplateColumns: `repeat(${columns}, ${size}px)` }}
        role="group"
        aria-label={t('scratch.maps', { layer })}
        data-testid="scratch-probe-maps"
        data-layer={layer}
        data-maps={count}
      >
        {Array.from({ length: count }, (_, m) => (
          <HeatmapCanvas key={m} values={maps.data} offset={m * height * width} height={height} width={width} scale="diverging" limit={limit} displaySize={size} label={t('scratch.map', { layer, n: m + 1 })} />
        ))}
      </div>
      <p className="muted small probe-maps__shape">{t('scratch.mapsShape', { n: count, height, width })}</p>
    </div>
  );
}
