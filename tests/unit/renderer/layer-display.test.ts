import { describe, expect, it } from 'vitest';
import { CLASSIC_LENET5, MODERN_LENET5, networkInfo } from '../../../main/engine/index.ts';
import type { LayerInfo } from '../../../main/api/contract.ts';
import { layerOf } from '../../../main/core/model-info.ts';
import { colourAt, largestMagnitude, paintPixels, scalePosition } from '../../../renderer/layers/colorScale.ts';
import { displayScaleFor, layerLayout, layerScaleKinds, mapColumns, mapLimits, vectorColumns } from '../../../renderer/layers/layerDisplay.ts';
import { clipRect, unitField } from '../../../renderer/layers/receptiveField.ts';
import { moveCursor } from '../../../renderer/layers/unitCursor.ts';
import { verdictOf } from '../../../renderer/predict/confidence.ts';

/** The layer table the core reports: the engine's description, as modelInfo copies it. */
function layersOf(spec: typeof MODERN_LENET5): LayerInfo[] {
  return networkInfo(spec).map(layerOf);
}

describe('colour scales', () => {
  it('places values on the scale by hand-worked cases', () => {
    expect(scalePosition('diverging', 0, 2)).toBe(0.5);
    expect(scalePosition('diverging', -2, 2)).toBe(0);
    expect(scalePosition('diverging', 1, 2)).toBe(0.75);
    expect(scalePosition('diverging', 9, 2)).toBe(1); // clamped
    expect(scalePosition('sequential', 1, 4)).toBe(0.25);
    expect(scalePosition('sequential', 3, 0)).toBe(0); // an all-zero map
    expect(scalePosition('diverging', Number.NaN, 1)).toBe(0.5);
  });

  it('is white at a diverging zero and runs from the first to the last stop', () => {
    expect(colourAt('diverging', 0.5)).toEqual([247, 247, 247]);
    expect(colourAt('diverging', 0)).toEqual([5, 48, 97]);
    expect(colourAt('sequential', 1)).toEqual([253, 231, 37]);
  });

  it('paints opaque pixels from a slice of values', () => {
    const target = new Uint8ClampedArray(2 * 4);
    paintPixels(target, [99, -1, 1], 1, 2, 'diverging', 1);
    expect(Array.from(target)).toEqual([5, 48, 97, 255, 103, 0, 31, 255]);
    expect(largestMagnitude([3, -5, 2], 0, 3)).toBe(5);
    expect(largestMagnitude([3, -5, 2], 2, 1)).toBe(2);
  });
});

describe('layer display', () => {
  it('gives ReLU layers a sequential scale and signed ones a diverging one', () => {
    expect(layerScaleKinds(layersOf(MODERN_LENET5), true)).toEqual(['sequential', 'sequential', 'sequential', 'sequential', 'sequential', 'sequential', 'diverging']);
    // Classic: C1 has no activation (signed), the squashed layers are signed, RBF distances are not.
    expect(layerScaleKinds(layersOf(CLASSIC_LENET5), false)).toEqual(['diverging', 'diverging', 'diverging', 'diverging', 'diverging', 'diverging', 'sequential']);
  });

  it('draws maps as maps and everything else as vectors', () => {
    expect(layerLayout([6, 28, 28])).toEqual({ kind: 'maps', maps: 6, height: 28, width: 28 });
    expect(layerLayout([120, 1, 1])).toEqual({ kind: 'vector', length: 120, columns: 24 });
    expect(layerLayout([84])).toEqual({ kind: 'vector', length: 84, columns: 21 });
    expect(vectorColumns(10)).toBe(10);
    expect(vectorColumns(97)).toBe(24); // a prime longer than a row: the last row is partial
    expect(mapColumns(6)).toBe(6);
    expect(mapColumns(16)).toBe(8);
  });

  it('draws maps larger in a wide panel and smaller in a narrow one, within bounds', () => {
    expect(displayScaleFor(520)).toBe(1);
    expect(displayScaleFor(390)).toBe(0.75); // the side column of a 1024 px window
    expect(displayScaleFor(100)).toBe(0.6);
    expect(displayScaleFor(780)).toBe(1.5);
    expect(displayScaleFor(3000)).toBe(1.8);
  });

  it('moves the keyboard cursor over a map\'s units and stops at its edges', () => {
    expect(moveCursor('ArrowRight', null, 10, 10, 100)).toEqual({ row: 0, col: 0 }); // the first key shows the cursor
    expect(moveCursor('ArrowRight', { row: 3, col: 5 }, 10, 10, 100)).toEqual({ row: 3, col: 6 });
    expect(moveCursor('ArrowDown', { row: 9, col: 5 }, 10, 10, 100)).toEqual({ row: 9, col: 5 });
    expect(moveCursor('ArrowLeft', { row: 2, col: 0 }, 10, 10, 100)).toEqual({ row: 2, col: 0 });
    expect(moveCursor('ArrowUp', { row: 0, col: 4 }, 10, 10, 100)).toEqual({ row: 0, col: 4 });
    expect(moveCursor('End', { row: 4, col: 1 }, 5, 24, 120)).toEqual({ row: 4, col: 23 });
    expect(moveCursor('Home', { row: 4, col: 9 }, 5, 24, 120)).toEqual({ row: 4, col: 0 });
    // 97 units in rows of 24: the last row has one, the cursor stays on it
    expect(moveCursor('ArrowDown', { row: 3, col: 10 }, 5, 24, 97)).toEqual({ row: 4, col: 0 });
    expect(moveCursor('a', { row: 1, col: 1 }, 10, 10, 100)).toBeNull();
  });

  it('scales per map or per layer', () => {
    const data = [1, -2, 0, 0.5, 0, 0];
    expect(mapLimits(data, 3, 2, false)).toEqual([2, 0.5, 0]);
    expect(mapLimits(data, 3, 2, true)).toEqual([2, 2, 2]);
  });

  it('places a unit’s receptive field from the core’s start, jump and size', () => {
    // Modern C1: 5x5 kernel, padding 2: unit (0, 0) sees rows and columns -2..2.
    expect(unitField({ size: [5, 5], jump: [1, 1], start: [-2, -2] }, 0, 0)).toEqual({ top: -2, left: -2, bottom: 2, right: 2 });
    // Modern C3 (after C1 and a 2x2 pool): 14x14 field, jump 2, start -2.
    expect(unitField({ size: [14, 14], jump: [2, 2], start: [-2, -2] }, 3, 6)).toEqual({ top: 4, left: 10, bottom: 17, right: 23 });
    expect(clipRect({ top: -2, left: -2, bottom: 30, right: 2 }, 28, 28)).toEqual({ top: 0, left: 0, bottom: 27, right: 2 });
  });
});

describe('the verdict', () => {
  const p = (top: number, value: number) => Array.from({ length: 10 }, (_, d) => (d === top ? value : (1 - value) / 9));
  it('is "empty" without ink, "unsure" below one half, "sure" from one half', () => {
    expect(verdictOf(null)).toEqual({ kind: 'empty' });
    expect(verdictOf({ empty: true, top: 3, probabilities: p(3, 0.99) })).toEqual({ kind: 'empty' });
    expect(verdictOf({ empty: false, top: 3, probabilities: p(3, 0.49) }).kind).toBe('unsure');
    expect(verdictOf({ empty: false, top: 3, probabilities: p(3, 0.5) }).kind).toBe('sure');
  });
});
