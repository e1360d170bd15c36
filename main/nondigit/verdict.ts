import type { NetworkSpec } from '../engine/spec.ts';
import type { Ink } from '../ink/types.ts';
import { DEFAULT_DEGENERATE_LIMITS, degenerateInk, type DegenerateReason } from './degenerate.ts';
import { nonDigitFeatures, summarizeScores } from './features.ts';
import type { RejectHead } from './head.ts';
import { inkShape } from './shape.ts';

/** The signals that can say "not a digit". 'reject-head' and 'degenerate-ink' are the app's; the others are baselines the eval compares. */
export const NON_DIGIT_SIGNALS = ['reject-head', 'degenerate-ink', 'max-softmax', 'energy', 'rbf-distance'] as const;
export type NonDigitSignal = (typeof NON_DIGIT_SIGNALS)[number];
/** The model-based signals a verdict can be asked to use (degenerate-ink always runs first). */
export type ScoreSignal = Exclude<NonDigitSignal, 'degenerate-ink'>;
export type NonDigitReason = DegenerateReason | 'unlike-digits' | 'low-confidence';

export interface NonDigitVerdict {
  readonly flagged: boolean;
  /** Which signal decided (the one that flagged, or the model-based one that cleared it); null when none could run. */
  readonly signal: NonDigitSignal | null;
  /** The reason code when flagged (the renderer translates it). */
  readonly reason: NonDigitReason | null;
  /** The signal's value and the limit it is compared with (higher = less like a digit). */
  readonly score: number;
  readonly threshold: number;
}

export interface VerdictInput {
  readonly ink: Ink;
  readonly empty: boolean;
  readonly spec: NetworkSpec;
  /** Every layer's output for this ink by name (a head reads the layers its file names), and the last layer's scores. */
  readonly layers: Readonly<Record<string, ArrayLike<number>>>;
  readonly scores: ArrayLike<number>;
}

/** The baselines' scores, higher = less like a digit. */
export function baselineScore(signal: Exclude<ScoreSignal, 'reject-head'>, input: Pick<VerdictInput, 'spec' | 'scores'>): number {
  const s = summarizeScores(input.scores, input.spec.head, input.spec.rbfScale);
  if (signal === 'max-softmax') return 1 - s.maxProbability;
  if (signal === 'energy') return -s.logSumExp;
  if (input.spec.head !== 'rbf') return Number.NaN;
  return s.minDistance;
}

/**
 * Is this ink a digit? First the degenerate-ink checks on the strokes (a dot, one slanted straight
 * line, a scribble), then the model's reject head on what the predict pass computed. The ten
 * probabilities are never changed by it. `signal` picks a baseline instead of the head (the eval's
 * comparison); without a head only the degenerate checks run.
 */
export function judgeNonDigit(input: VerdictInput, head: RejectHead | null, signal: ScoreSignal = 'reject-head'): NonDigitVerdict {
  if (input.empty) return { flagged: false, signal: null, reason: null, score: 0, threshold: 0 };
  const shape = inkShape(input.ink);
  const degenerate = degenerateInk(shape, head?.file.degenerate ?? DEFAULT_DEGENERATE_LIMITS);
  if (degenerate) return { flagged: true, signal: 'degenerate-ink', reason: degenerate.reason, score: degenerate.value, threshold: degenerate.limit };
  if (!head) return { flagged: false, signal: 'degenerate-ink', reason: null, score: 0, threshold: 0 };
  if (signal === 'reject-head') {
    const score = head.score(nonDigitFeatures(head.file.features, { layers: input.layers, scores: input.scores, head: input.spec.head, rbfScale: input.spec.rbfScale, ink: input.ink, shape }));
    const threshold = head.file.threshold;
    const flagged = score >= threshold;
    return { flagged, signal, reason: flagged ? 'unlike-digits' : null, score, threshold };
  }
  const threshold = head.file.baselines[signal];
  const score = baselineScore(signal, input);
  if (threshold === undefined || Number.isNaN(score)) throw new Error(`the ${signal} signal is not available for this model`);
  const flagged = score >= threshold;
  return { flagged, signal, reason: flagged ? 'low-confidence' : null, score, threshold };
}

/** The last layer's name (OUTPUT in both LeNet-5s): its scores are what the baselines read. */
export function scoresLayer(spec: NetworkSpec): string {
  const n = spec.layers.length;
  if (n < 1) throw new Error('a network needs a layer for the not-a-digit verdict');
  return spec.layers[n - 1].name;
}
