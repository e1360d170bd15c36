import type { Ink } from '../ink/types.ts';
import { probabilityMargin, type ExplainTarget } from './target.ts';

/** The same ink once per stroke, that stroke left out (every other field kept). */
export function inksWithoutEachStroke(ink: Ink): Ink[] {
  return ink.strokes.map((_, i) => ({ ...ink, strokes: ink.strokes.filter((__, j) => j !== i) }));
}

/**
 * One stroke left out. When nothing is left to read (the only stroke, or the rest draws nothing) there
 * are no probabilities: the network's answer to a blank field says nothing about the drawing.
 */
export type StrokeOutcome =
  | {
      /** The ten probabilities of the ink without this stroke. */
      readonly probabilities: number[];
      readonly top: number;
      readonly empty: false;
      /** The watched probability (margin) without the stroke, minus with it: negative = the stroke supported the target. */
      readonly change: number;
    }
  | { readonly probabilities: null; readonly top: null; readonly empty: true; readonly change: null };

export interface StrokeWhatIf {
  readonly strokes: StrokeOutcome[];
  /**
   * The stroke whose removal lowers the watched probability most, among those whose removal leaves
   * something to read; a drawing of one stroke: that stroke (it is the whole drawing); null when no
   * stroke's removal lowers it.
   */
  readonly deciding: number | null;
}

/**
 * Stroke what-if from the probabilities of the whole ink and of each ink without one stroke that still
 * has something to read (`without` holds one row of classes values per stroke whose `empty` is false, in
 * stroke order; an empty one has no row).
 */
export function strokeWhatIf(whole: ArrayLike<number>, without: Float32Array, empty: readonly boolean[], t: ExplainTarget): StrokeWhatIf {
  const count = empty.length;
  const classes = whole.length;
  const read = empty.filter((e) => !e).length;
  if (without.length !== read * classes) throw new RangeError(`stroke what-if: ${without.length} probabilities for ${read} readable strokes of ${classes} classes`);
  const base = probabilityMargin(whole, 0, t);
  const strokes: StrokeOutcome[] = [];
  let row = 0;
  for (let s = 0; s < count; s++) {
    if (empty[s]) {
      strokes.push({ probabilities: null, top: null, empty: true, change: null });
      continue;
    }
    const probabilities = Array.from(without.subarray(row * classes, (row + 1) * classes));
    row++;
    let top = 0;
    for (let k = 1; k < classes; k++) if (probabilities[k] > probabilities[top]) top = k;
    strokes.push({ probabilities, top, empty: false, change: probabilityMargin(probabilities, 0, t) - base });
  }
  if (count === 1) return { strokes, deciding: 0 };
  let deciding: number | null = null;
  for (let s = 0; s < count; s++) {
    const c = strokes[s].change;
    if (c !== null && c < 0 && (deciding === null || c < (strokes[deciding].change ?? 0))) deciding = s;
  }
  return { strokes, deciding };
}
