import type { LayerInfo } from '../engine/index.ts';

/**
 * The k inputs of a dataset that excite each unit most (Zeiler & Fergus 2014; OpenAI Microscope). A
 * unit is a channel of a conv or pool layer (its response to an input is its strongest position) or
 * one unit of a dense or RBF layer. An RBF unit responds most to the input closest to its centre, so
 * its ranking is by the smallest distance. Ties keep the earlier input.
 */
export interface LayerTops {
  readonly name: string;
  readonly channels: number;
  /** Positions per channel (H x W of a map; 1 for a vector). */
  readonly positions: number;
  readonly width: number;
  /** The smallest value is the strongest (RBF distances). */
  readonly lowIsStrong: boolean;
  readonly k: number;
  /** channels x k, best first: dataset index (-1 = empty slot), value, strongest position. */
  readonly index: Int32Array;
  readonly value: Float32Array;
  readonly position: Int32Array;
}

export function emptyTops(layers: readonly LayerInfo[], k: number): LayerTops[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`top activations: k must be a positive integer, got ${k}`);
  return layers.map((l) => {
    const map = l.outputShape.length === 3;
    const channels = l.outputShape[0];
    const positions = map ? l.outputShape[1] * l.outputShape[2] : 1;
    return {
      name: l.name, channels, positions, width: map ? l.outputShape[2] : 1, lowIsStrong: l.role === 'distance', k,
      index: new Int32Array(channels * k).fill(-1), value: new Float32Array(channels * k), position: new Int32Array(channels * k),
    };
  });
}

/** Adds a batch of inputs (dataset indices first .. first + batch - 1) given every layer's activations. */
export function accumulateTops(tops: readonly LayerTops[], activations: readonly { readonly name: string; readonly data: Float32Array }[], batch: number, first: number): void {
  for (const t of tops) {
    const a = activations.find((x) => x.name === t.name);
    if (!a) throw new Error(`top activations: no activations for layer ${t.name}`);
    const per = t.channels * t.positions;
    if (a.data.length < batch * per) throw new RangeError(`top activations: layer ${t.name} has ${a.data.length} values for a batch of ${batch} x ${per}`);
    const s = t.lowIsStrong ? -1 : 1;
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < t.channels; c++) {
        const off = b * per + c * t.positions;
        let best = 0;
        let score = s * a.data[off];
        for (let p = 1; p < t.positions; p++) {
          const v = s * a.data[off + p];
          if (v > score) {
            score = v;
            best = p;
          }
        }
        insert(t, c, first + b, a.data[off + best], score, best);
      }
    }
  }
}

function insert(t: LayerTops, c: number, index: number, value: number, score: number, position: number): void {
  const base = c * t.k;
  const s = t.lowIsStrong ? -1 : 1;
  const last = base + t.k - 1;
  if (t.index[last] !== -1 && !(score > s * t.value[last])) return;
  let i = last;
  while (i > base && (t.index[i - 1] === -1 || score > s * t.value[i - 1])) {
    t.index[i] = t.index[i - 1];
    t.value[i] = t.value[i - 1];
    t.position[i] = t.position[i - 1];
    i--;
  }
  t.index[i] = index;
  t.value[i] = value;
  t.position[i] = position;
}

/** Rows and columns of the 28x28 digit a unit at `position` sees, clipped to the digit (inclusive). */
export interface FieldRect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/**
 * The receptive field of a layer's unit at `position` in the side x side digit, which sits centred in
 * the network's input (the classic model's 32x32 field has a 2-pixel border).
 */
export function fieldInDigit(layer: LayerInfo, position: number, inputSize: number, side: number): FieldRect {
  const width = layer.outputShape.length === 3 ? layer.outputShape[2] : 1;
  const row = Math.floor(position / width), col = position % width;
  const { start, jump, size } = layer.receptiveField;
  const border = Math.floor((inputSize - side) / 2);
  const clip = (v: number) => Math.max(0, Math.min(side - 1, v));
  const top = start[0] + row * jump[0] - border, left = start[1] + col * jump[1] - border;
  return { top: clip(top), left: clip(left), bottom: clip(top + size[0] - 1), right: clip(left + size[1] - 1) };
}
