import type { Ink } from '../ink/types.ts';
import { probabilityMargin, type ExplainTarget } from './target.ts';

/** The same ink once per stroke, that stroke left out (every other field kept). */
export function inksWithoutEachStroke(ink: Ink): Ink[] {
  return ink.strokes.map((_, i) => ({ ...ink, strokes: ink.strokes.filter((__, j) => j !== i) }));
}

export interface StrokeOutcome {
  /** The ten probabilities of the ink without this stroke. */
  readonly probabilities: number[];
  readonly top: number;
  /** Nothing is left to read without it. */
  readonly empty: boolean;
  /** The watched probability (margin) without the stroke, minus with it: negative = the stroke supported the target. */
  readonly change: number;
}

export interface StrokeWhatIf {
  readonly strokes: StrokeOutcome[];
  /**
   * The stroke whose removal lowers the watched probability most (leaving something to read, unless the
   * ink has one stroke); null when no stroke's removal lowers it.
   */
  readonly deciding: number | null;
}

/**
 * Stroke what-if from the probabilities of the whole ink and of each ink without one stroke
 * (`without` holds strokes x classes values, in stroke order).
 */
export function strokeWhatIf(whole: ArrayLike<number>, without: Float32Array, empty: readonly boolean[], t: ExplainTarget): StrokeWhatIf {
  const count = empty.length;
  const classes = whole.length;
  if (without.length !== count * classes) throw new RangeError(`stroke what-if: ${without.length} probabilities for ${count} strokes of ${classes} classes`);
  const base = probabilityMargin(whole, 0, t);
  const strokes: StrokeOutcome[] = [];
  for (let s = 0; s < count; s++) {
    const probabilities = Array.from(without.subarray(s * classes, (s + 1) * classes));
    let top = 0;
    for (let k = 1; k < classes; k++) if (probabilities[k] > probabilities[top]) top = k;
    strokes.push({ probabilities, top, empty: empty[s], change: probabilityMargin(probabilities, 0, t) - base });
  }
  let deciding: number | null = null;
  for (let s = 0; s < count; s++) {
    if (strokes[s].empty && count > 1) continue;
    if (strokes[s].change < 0 && (deciding === null || strokes[s].change < strokes[deciding].change)) deciding = s;
  }
  return { strokes, deciding };
}
