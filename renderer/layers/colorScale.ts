/**
 * Colour scales for heatmaps. Signed values use a diverging scale centred on zero (blue negative, white
 * zero, red positive: ColorBrewer RdBu); non-negative values use a sequential one (viridis), so zero
 * and "small" never look alike across the two kinds of layer.
 */
export type ScaleKind = 'diverging' | 'sequential';

type Rgb = readonly [number, number, number];

const DIVERGING_STOPS: readonly Rgb[] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137],
  [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

// Odd, so that a diverging zero (position 0.5) lands exactly on the white middle stop.
const LUT_SIZE = 257;

function buildLut(stops: readonly Rgb[]): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const position = (i / (LUT_SIZE - 1)) * (stops.length - 1);
    const lower = Math.min(stops.length - 2, Math.floor(position));
    const f = position - lower;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = stops[lower][c] * (1 - f) + stops[lower + 1][c] * f;
  }
  return lut;
}

const LUTS: Record<ScaleKind, Uint8ClampedArray> = {
  diverging: buildLut(DIVERGING_STOPS),
  sequential: buildLut(SEQUENTIAL_STOPS),
};

/**
 * Where a value falls on the scale, 0..1. Diverging: -limit -> 0, 0 -> 0.5, +limit -> 1. Sequential:
 * 0 -> 0, limit -> 1. A limit of 0 (an all-zero map) puts everything at the scale's zero.
 */
export function scalePosition(kind: ScaleKind, value: number, limit: number): number {
  if (!(limit > 0) || !Number.isFinite(value)) return kind === 'diverging' ? 0.5 : 0;
  const clamp = (v: number): number => Math.max(0, Math.min(1, v));
  return kind === 'diverging' ? clamp(0.5 + value / (2 * limit)) : clamp(value / limit);
}

export function colourAt(kind: ScaleKind, position: number): Rgb {
  const lut = LUTS[kind];
  const i = Math.round(Math.max(0, Math.min(1, position)) * (LUT_SIZE - 1)) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

export function cssColourAt(kind: ScaleKind, position: number): string {
  const [r, g, b] = colourAt(kind, position);
  return `rgb(${r} ${g} ${b})`;
}

/** A CSS linear-gradient of the scale, for legends. */
export function cssGradient(kind: ScaleKind, direction = 'to right'): string {
  const steps = 12;
  const stops = Array.from({ length: steps + 1 }, (_, i) => `${cssColourAt(kind, i / steps)} ${((i / steps) * 100).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/**
 * Paints `values` (row-major, height x width, starting at `offset`) into RGBA pixels.
 */
export function paintPixels(
  target: Uint8ClampedArray,
  values: ArrayLike<number>,
  offset: number,
  count: number,
  kind: ScaleKind,
  limit: number,
): void {
  const lut = LUTS[kind];
  for (let i = 0; i < count; i++) {
    const j = Math.round(scalePosition(kind, values[offset + i], limit) * (LUT_SIZE - 1)) * 3;
    target[i * 4] = lut[j];
    target[i * 4 + 1] = lut[j + 1];
    target[i * 4 + 2] = lut[j + 2];
    target[i * 4 + 3] = 255;
  }
}

/** The largest magnitude in a range of values: the limit that maps the range onto the whole scale. */
export function largestMagnitude(values: ArrayLike<number>, offset: number, count: number): number {
  let m = 0;
  for (let i = offset; i < offset + count; i++) {
    const a = Math.abs(values[i]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}
