import type { Head } from '../engine/spec.ts';
import type { InkShape } from './shape.ts';

/** What the reject head reads, all of it already computed by the one predict pass. */
export interface FeatureSource {
  /** The penultimate layer's output for one ink (F6: 84 values). */
  readonly penultimate: ArrayLike<number>;
  /** The last layer's scores: logits (softmax head) or squared distances to the code bitmaps (RBF head). */
  readonly scores: ArrayLike<number>;
  readonly head: Head;
  /** RBF head: probabilities are softmax(-rbfScale * distances). */
  readonly rbfScale?: number;
  readonly shape: InkShape;
}

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

/** Number of features for a network whose penultimate layer has `units` outputs and `classes` scores. */
export const featureCount = (units: number, classes: number): number => units + classes + 4 + 3;

/**
 * The reject head's input: F6, the ten scores, four summaries of them (max probability, log-sum-exp,
 * top logit, margin) and three numbers about the strokes (count, log tortuosity, log aspect ratio).
 */
export function nonDigitFeatures(source: FeatureSource, out?: Float32Array): Float32Array {
  const { penultimate, scores, shape } = source;
  const f = out ?? new Float32Array(featureCount(penultimate.length, scores.length));
  let i = 0;
  for (let j = 0; j < penultimate.length; j++) f[i++] = penultimate[j];
  for (let j = 0; j < scores.length; j++) f[i++] = scores[j];
  const s = summarizeScores(scores, source.head, source.rbfScale);
  f[i++] = s.maxProbability;
  f[i++] = s.logSumExp;
  f[i++] = s.maxLogit;
  f[i++] = s.margin;
  f[i++] = Math.min(shape.strokes, 10);
  f[i++] = Math.log(Math.max(shape.tortuosity, 1e-3));
  f[i++] = Math.log(Math.min(Math.max(Number.isFinite(shape.aspect) ? shape.aspect : 16, 1 / 16), 16));
  return f;
}
