import { convOutputSize } from '../engine/arithmetic.ts';

/** The terms of ⌊(n − k + 2p) / s⌋ + 1 along one axis, for the lab to write out with the person's numbers. */
export interface AxisFormula {
  readonly n: number;
  readonly k: number;
  readonly p: number;
  readonly s: number;
  /** n − k + 2p */
  readonly numerator: number;
  /** ⌊numerator / s⌋ */
  readonly quotient: number;
  readonly out: number;
}

export function axisFormula(n: number, k: number, p: number, s: number): AxisFormula {
  const numerator = n - k + 2 * p;
  const out = convOutputSize(n, k, s, p);
  return { n, k, p, s, numerator, quotient: out - 1, out };
}
