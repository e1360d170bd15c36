import type { Evaluation } from '../engine/index.ts';

/** The held-out samples per digit (index = digit): how many, and how many the model read right before and after. */
export interface HeldOutDigits {
  readonly n: number[];
  readonly correctBefore: number[];
  readonly correctAfter: number[];
}

/** Read off the two evaluations' confusion matrices (row = true digit): n is the row sum, correct the diagonal. */
export function heldOutDigits(before: Evaluation | null, after: Evaluation | null): HeldOutDigits | null {
  if (!before || !after) return null;
  const rowSum = (row: readonly number[]) => row.reduce((a, b) => a + b, 0);
  const n = before.confusion.map(rowSum);
  if (after.confusion.some((row, d) => rowSum(row) !== n[d])) throw new Error('fine-tune: the held-out samples differ between the two measurements');
  return { n, correctBefore: before.confusion.map((row, d) => row[d]), correctAfter: after.confusion.map((row, d) => row[d]) };
}
