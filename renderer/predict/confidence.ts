/** Below this top probability the view says "not sure" instead of presenting a digit as the answer. */
export const SURE_THRESHOLD = 0.5;

export type NonDigitSignal = 'reject-head' | 'degenerate-ink' | 'max-softmax' | 'energy' | 'rbf-distance';
export type NonDigitReason = 'dot' | 'line' | 'scribble' | 'unlike-digits' | 'low-confidence';

export interface NonDigitInfo {
  readonly flagged: boolean;
  readonly signal: NonDigitSignal | null;
  readonly reason: NonDigitReason | null;
  readonly score: number;
  readonly threshold: number;
}

export type Verdict =
  | { readonly kind: 'empty' }
  | { readonly kind: 'nondigit'; readonly top: number; readonly p: number; readonly signal: NonDigitSignal; readonly reason: NonDigitReason; readonly score: number; readonly threshold: number } | { readonly kind: 'unsure'; readonly top: number; readonly p: number } | { readonly kind: 'sure'; readonly top: number; readonly p: number };

/** The core's not-a-digit verdict comes first: then no digit is presented as the answer. */
export function verdictOf(prediction: { empty: boolean; top: number; probabilities: readonly number[]; nonDigit?: NonDigitInfo } | null): Verdict {
  if (!prediction || prediction.empty) return { kind: 'empty' };
  const p = prediction.probabilities[prediction.top];
  const nd = prediction.nonDigit;
  if (nd?.flagged) return { kind: 'nondigit', top: prediction.top, p, signal: nd.signal ?? 'reject-head', reason: nd.reason ?? 'unlike-digits', score: nd.score, threshold: nd.threshold };
  return p < SURE_THRESHOLD ? { kind: 'unsure', top: prediction.top, p } : { kind: 'sure', top: prediction.top, p };
}
