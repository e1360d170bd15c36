import type { Head } from '../engine/spec.ts';
import type { Ink } from '../ink/types.ts';
import type { InkShape } from './shape.ts';
import { STROKE_FIGURES, strokeFigures } from './stroke-figures.ts';

/** Confidence figures of the scores, each also a baseline signal by itself. */
export interface ScoreSummary {
  /** The largest of the ten probabilities. */
  readonly maxProbability: number;
  /** log sum exp of the softmax's logits (the negative free energy): low far from the training data. */
  readonly logSumExp: number;
  readonly maxLogit: number;
  /** Top logit minus the second. */
  readonly margin: number;
  /** RBF head: the smallest squared distance from F6 to a code bitmap; NaN for a softmax head. */
  readonly minDistance: number;
}

export function summarizeScores(scores: ArrayLike<number>, head: Head, rbfScale = 1): ScoreSummary {
  const k = head === 'rbf' ? -rbfScale : 1;
  let max = -Infinity, second = -Infinity, minDistance = Infinity;
  for (let i = 0; i < scores.length; i++) {
    const z = k * scores[i];
    if (z > max) {
      second = max;
      max = z;
    } else if (z > second) second = z;
    if (scores[i] < minDistance) minDistance = scores[i];
  }
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(k * scores[i] - max);
  return {
    maxProbability: 1 / sum,
    logSumExp: max + Math.log(sum),
    maxLogit: max,
    margin: max - second,
    minDistance: head === 'rbf' ? minDistance : Number.NaN,
  };
}

/**
 * What a reject head reads, all of it from the one predict pass: the outputs of some layers (by
 * name), four summaries of the last layer's scores (max probability, log-sum-exp, top score, margin)
 * and figures about the strokes: 'basic' = count, log tortuosity, log aspect ratio; 'rich' = the
 * STROKE_FIGURES of stroke-figures.ts.
 */
export interface FeatureLayout {
  readonly layers: readonly string[];
  readonly summaries: boolean;
  readonly strokes: 'basic' | 'rich';
}

/** The first heads' layout (reject.json version 1): F6, the ten scores, the summaries, three stroke figures. */
export const LAYOUT_V1: FeatureLayout = { layers: ['F6', 'OUTPUT'], summaries: true, strokes: 'basic' };

/** Number of features of a layout, given each layer's output size. */
export function featureCount(layout: FeatureLayout, sizeOf: (layer: string) => number): number {
  return layout.layers.reduce((n, l) => n + sizeOf(l), 0) + (layout.summaries ? 4 : 0) + (layout.strokes === 'rich' ? STROKE_FIGURES.length : 3);
}

/** One ink's input to a reject head: the layers' outputs, the summaries of the scores, the stroke figures. */
export interface FeatureSource {
  /** Every layer's output for this ink, by layer name. */
  readonly layers: Readonly<Record<string, ArrayLike<number>>>;
  /** The last layer's scores: logits (softmax head) or squared distances to the code bitmaps (RBF head). */
  readonly scores: ArrayLike<number>;
  readonly head: Head;
  /** RBF head: probabilities are softmax(-rbfScale * distances). */
  readonly rbfScale?: number;
  readonly ink: Ink;
  readonly shape: InkShape;
}

export function nonDigitFeatures(layout: FeatureLayout, source: FeatureSource, out?: Float32Array): Float32Array {
  const { shape } = source;
  const parts: ArrayLike<number>[] = layout.layers.map((name) => {
    const a = source.layers[name];
    if (!a) throw new Error(`the reject head reads layer ${name}, which the prediction does not have`);
    return a;
  });
  const n = parts.reduce((k, p) => k + p.length, 0) + (layout.summaries ? 4 : 0) + (layout.strokes === 'rich' ? STROKE_FIGURES.length : 3);
  const f = out ?? new Float32Array(n);
  let i = 0;
  for (const p of parts) for (let j = 0; j < p.length; j++) f[i++] = p[j];
  if (layout.summaries) {
    const s = summarizeScores(source.scores, source.head, source.rbfScale);
    f[i++] = s.maxProbability;
    f[i++] = s.logSumExp;
    f[i++] = s.maxLogit;
    f[i++] = s.margin;
  }
  if (layout.strokes === 'rich') {
    f.set(strokeFigures(source.ink, shape), i);
  } else {
    f[i++] = Math.min(shape.strokes, 10);
    f[i++] = Math.log(Math.max(shape.tortuosity, 1e-3));
    f[i++] = Math.log(Math.min(Math.max(Number.isFinite(shape.aspect) ? shape.aspect : 16, 1 / 16), 16));
  }
  return f;
}
