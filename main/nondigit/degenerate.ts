import type { InkShape } from './shape.ts';

/** Why an ink is not a digit before any network looks at it. */
export type DegenerateReason = 'dot' | 'line' | 'scribble';

/**
 * Limits of the degenerate-ink checks. Digits of the training writers stay far inside them (the fit
 * script records their extremes beside the limits in reject.json): tortuosity at most ~5, at most 4
 * strokes, the only straight single strokes are 1s within ~26 degrees of vertical.
 */
export interface DegenerateLimits {
  /** pathLength / size above this is a scribble. */
  readonly maxTortuosity: number;
  /** More strokes than this is a scribble. */
  readonly maxStrokes: number;
  /** A single stroke at least this straight ... */
  readonly lineStraightness: number;
  /** ... and tilted more than this from vertical (degrees) is a line, not a 1. */
  readonly lineMinAngle: number;
}

export const DEFAULT_DEGENERATE_LIMITS: DegenerateLimits = { maxTortuosity: 8, maxStrokes: 6, lineStraightness: 0.97, lineMinAngle: 40 };

/** The first degenerate-ink check an ink fails, with the measured value and the limit; null if none. */
export function degenerateInk(shape: InkShape, limits: DegenerateLimits = DEFAULT_DEGENERATE_LIMITS): { reason: DegenerateReason; value: number; limit: number } | null {
  if (shape.points === 0) return null;
  if (shape.size <= 1e-9 * Math.max(1, shape.pathLength)) return { reason: 'dot', value: shape.size, limit: 0 };
  if (shape.strokes > limits.maxStrokes) return { reason: 'scribble', value: shape.strokes, limit: limits.maxStrokes };
  if (shape.tortuosity > limits.maxTortuosity) return { reason: 'scribble', value: shape.tortuosity, limit: limits.maxTortuosity };
  if (shape.strokes === 1 && shape.straightness >= limits.lineStraightness && shape.angleFromVertical > limits.lineMinAngle) {
    return { reason: 'line', value: shape.angleFromVertical, limit: limits.lineMinAngle };
  }
  return null;
}
