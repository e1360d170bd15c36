import type { LayerInfo } from '../../main/api/contract.ts';
import { largestMagnitude, type ScaleKind } from './colorScale.ts';

/**
 * How each layer is drawn. Which colour scale a layer gets follows from what its values can be (a ReLU
 * layer is never negative; tanh, identity and the raw convolutions are signed), not from one input's
 * values, so a layer does not change colours between digits.
 */
const NON_NEGATIVE_ACTIVATIONS = new Set(['relu', 'sigmoid']);
const SIGNED_ACTIVATIONS = new Set(['tanh', 'lecun-tanh', 'identity']);

export function layerScaleKinds(layers: readonly LayerInfo[], inputNonNegative: boolean): ScaleKind[] {
  let previous: ScaleKind = inputNonNegative ? 'sequential' : 'diverging';
  return layers.map((layer) => {
    let kind: ScaleKind;
    if (layer.role === 'distance') kind = 'sequential'; // squared distances
    else if (layer.activation && NON_NEGATIVE_ACTIVATIONS.has(layer.activation)) kind = 'sequential';
    else if (layer.activation && SIGNED_ACTIVATIONS.has(layer.activation)) kind = 'diverging';
    // Without weights (pooling, flatten, an activation layer) the input's sign passes through.
    else if (!layer.hasWeights) kind = previous;
    else kind = 'diverging';
    previous = kind;
    return kind;
  });
}

/** The layer applies an activation function of its own (so its values before it differ from its output). */
export function hasOwnActivation(layer: LayerInfo): boolean {
  return layer.kind !== 'activation' && Boolean(layer.activation) && layer.activation !== 'identity';
}

/**
 * The colour scales when the values before the activations are shown: a weighted sum plus bias is
 * signed whatever comes after it, so every layer with an activation of its own is diverging; the rest
 * show their output, scaled as usual.
 */
export function preActivationScaleKinds(layers: readonly LayerInfo[], inputNonNegative: boolean): ScaleKind[] {
  const post = layerScaleKinds(layers, inputNonNegative);
  return layers.map((layer, i) => (hasOwnActivation(layer) ? 'diverging' : post[i]));
}

/** A layer whose output is C maps of H x W (H * W > 1) is drawn as maps; anything else as one vector. */
export interface MapsLayout {
  readonly kind: 'maps';
  readonly maps: number;
  readonly height: number;
  readonly width: number;
}

export interface VectorLayout {
  readonly kind: 'vector';
  readonly length: number;
  /** Cells per row when the vector is wrapped into a block. */
  readonly columns: number;
}

export function layerLayout(shape: readonly number[]): MapsLayout | VectorLayout {
  if (shape.length === 3 && shape[1] * shape[2] > 1) return { kind: 'maps', maps: shape[0], height: shape[1], width: shape[2] };
  const length = shape.reduce((a, b) => a * b, 1);
  return { kind: 'vector', length, columns: vectorColumns(length) };
}

/** The widest row of at most 24 cells that divides the vector evenly (120 -> 24, 84 -> 21, 10 -> 10). */
export function vectorColumns(length: number, widest = 24): number {
  for (let c = Math.min(widest, length); c > 1; c--) if (length % c === 0) return c;
  return Math.min(widest, Math.max(1, length));
}

/** The largest magnitude of each map (per-map scaling) or of the whole layer (per-layer), one per map. */
export function mapLimits(data: ArrayLike<number>, maps: number, mapSize: number, perLayer: boolean): number[] {
  const each = Array.from({ length: maps }, (_, m) => largestMagnitude(data, m * mapSize, mapSize));
  if (!perLayer) return each;
  const all = Math.max(0, ...each);
  return each.map(() => all);
}

/** On-screen size of one map: small maps get bigger units, so every layer reads at a glance. */
export function mapDisplaySize(height: number): number {
  if (height >= 24) return 74;
  if (height >= 12) return 66;
  if (height >= 8) return 56;
  return 44;
}

/** Maps per row: a layer of up to 8 maps on one row, more in rows of equal length (16 -> 2 x 8). */
export function mapColumns(maps: number): number {
  if (maps <= 8) return maps;
  const rows = Math.ceil(maps / 8);
  return Math.ceil(maps / rows);
}

/** The base layout fits a panel this wide (CSS pixels). */
const BASE_WIDTH = 520;

/**
 * How much larger than their base size the layer views draw their maps: 1 in the 1280-wide window,
 * up to 1.8 on a large screen, so a wide panel shows bigger maps instead of empty space; down to 0.6
 * in a narrow panel, so a row of units (C5's 24, the ten outputs) still fits beside its neighbours.
 */
export function displayScaleFor(panelWidth: number): number {
  const raw = panelWidth / BASE_WIDTH;
  return Math.round(Math.min(1.8, Math.max(0.6, raw)) * 20) / 20;
}
