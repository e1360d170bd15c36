/** Below this top probability the view says "not sure" instead of presenting a digit as the answer. */
export const SURE_THRESHOLD = 0.5;

export type Verdict = { readonly kind: 'empty' } | { readonly kind: 'unsure'; readonly top: number; readonly p: number } | { readonly kind: 'sure'; readonly top: number; readonly p: number };

export function verdictOf(prediction: { empty: boolean; top: number; probabilities: readonly number[] } | null): Verdict {
  if (!prediction || prediction.empty) return { kind: 'empty' };
  const p = prediction.probabilities[prediction.top];
  return p < SURE_THRESHOLD ? { kind: 'unsure', top: prediction.top, p } : { kind: 'sure', top: prediction.top, p };
}
