import type { Ink } from '../api/contract.ts';
import type { z } from 'zod';
import type { DigitInsightSchema, PersonalInsightSchema, SuggestionSchema } from '../api/personal-schemas.ts';

type DigitInsight = z.infer<typeof DigitInsightSchema>;
type Suggestion = z.infer<typeof SuggestionSchema>;
export type PersonalInsight = z.infer<typeof PersonalInsightSchema>;

/**
 * What the active model is least sure about for this person. The need score of a digit is an expected
 * error rate, shrunk toward a prior for digits with few samples:
 *
 *   need = (doubt + PRIOR_ERROR_RATE * PRIOR_STRENGTH) / (evidence + PRIOR_STRENGTH)
 *
 * where each of the person's samples of the digit is one unit of evidence and adds 1 to the doubt when the
 * model misreads it, else 1 - p(true digit) (right but unsure still counts a little). A drawing the
 * model was unsure about (top probability under UNSURE_BELOW) has no label, so it counts as
 * DOUBT_WEIGHT of a misread sample for each of its two likeliest digits. With no samples a digit sits at
 * the prior (0.25), above a digit with ten samples read right and sure (about 0.03), below a digit with
 * two of five misread (about 0.36).
 */
export const PRIOR_ERROR_RATE = 0.25;
export const PRIOR_STRENGTH = 2;
export const DOUBT_WEIGHT = 0.5;
/** The prediction view's "not sure" threshold (renderer/predict/confidence.ts SURE_THRESHOLD). */
export const UNSURE_BELOW = 0.5;
/** A guided round asks for the neediest SUGGESTED_DIGITS digits, WRITE_EACH of each. */
export const SUGGESTED_DIGITS = 3;
export const WRITE_EACH = 3;
/** Fewer samples of a digit than this is itself a reason to write more. */
export const FEW_SAMPLES = 5;
/** Drawings remembered per model: older ones are forgotten first. */
const MAX_DRAWINGS = 500;

/** One labelled sample under a model: its label and the ten probabilities the model gives it. */
export interface Reading {
  readonly label: number;
  readonly probabilities: ArrayLike<number>;
}

/** What is kept of one drawing: the model's two likeliest digits, its top probability, the not-a-digit flag. */
export interface DrawnRecord {
  readonly top: number;
  readonly second: number;
  readonly pTop: number;
  readonly flagged: boolean;
}

export function topTwo(p: ArrayLike<number>): { top: number; second: number } {
  let top = 0;
  for (let d = 1; d < 10; d++) if (p[d] > p[top]) top = d;
  let second = top === 0 ? 1 : 0;
  for (let d = 0; d < 10; d++) if (d !== top && p[d] > p[second]) second = d;
  return { top, second };
}

/**
 * The drawings predicted under the active model since it became active: one record per drawing (the live
 * prediction of a drawing in progress replaces its earlier record), and the corrections saved. Nothing of
 * the ink is kept but its first point, which tells one drawing from the next. A new model starts empty.
 */
export class DrawingLog {
  private modelId = '';
  private readonly drawings = new Map<string, DrawnRecord>();
  private corrected = new Array<number>(10).fill(0);

  private use(modelId: string): void {
    if (modelId === this.modelId) return;
    this.modelId = modelId;
    this.drawings.clear();
    this.corrected = new Array<number>(10).fill(0);
  }

  /** A prediction of a non-empty drawing by the active model. */
  observe(modelId: string, ink: Ink, probabilities: ArrayLike<number>, flagged: boolean): void {
    const key = drawingKey(ink);
    if (key === null) return;
    this.use(modelId);
    const { top, second } = topTwo(probabilities);
    this.drawings.delete(key); // re-inserted last: the map's order is the order of the latest predictions
    this.drawings.set(key, { top, second, pTop: probabilities[top], flagged });
    if (this.drawings.size > MAX_DRAWINGS) this.drawings.delete(this.drawings.keys().next().value!);
  }

  /** "Wrong? It is a …" saved for a drawing the active model had read. */
  correction(modelId: string, label: number): void {
    this.use(modelId);
    this.corrected[label]++;
  }

  snapshot(modelId: string): { drawings: DrawnRecord[]; corrected: number[] } {
    if (modelId !== this.modelId) return { drawings: [], corrected: new Array<number>(10).fill(0) };
    return { drawings: [...this.drawings.values()], corrected: [...this.corrected] };
  }
}

/** The first point of the first stroke names a drawing; null for an empty one. */
function drawingKey(ink: Ink): string | null {
  const first = ink.strokes.find((s) => s.length > 0)?.[0];
  return first ? first.join(',') : null;
}

function mostOften(counts: readonly number[], except: number): { digit: number; count: number } | null {
  let best = -1;
  for (let d = 0; d < 10; d++) if (d !== except && counts[d] > 0 && (best < 0 || counts[d] > counts[best])) best = d;
  return best < 0 ? null : { digit: best, count: counts[best] };
}

export function personalInsight(modelId: string, readings: readonly Reading[], log: { drawings: readonly DrawnRecord[]; corrected: readonly number[] }): PersonalInsight {
  const n = new Array<number>(10).fill(0);
  const errors = new Array<number>(10).fill(0);
  const sumTrue = new Array<number>(10).fill(0);
  const doubt = new Array<number>(10).fill(0);
  const readAs = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (const r of readings) {
    const { top } = topTwo(r.probabilities);
    const pTrue = r.probabilities[r.label];
    n[r.label]++;
    sumTrue[r.label] += pTrue;
    if (top !== r.label) {
      errors[r.label]++;
      readAs[r.label][top]++;
      doubt[r.label] += 1;
    } else doubt[r.label] += 1 - pTrue;
  }

  const read = new Array<number>(10).fill(0);
  const unsure = new Array<number>(10).fill(0);
  const flagged = new Array<number>(10).fill(0);
  /** Unsure drawings with this digit among the two likeliest, and with which other digit. */
  const doubtful = new Array<number>(10).fill(0);
  const mixed = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (const d of log.drawings) {
    read[d.top]++;
    if (d.flagged) flagged[d.top]++;
    if (d.pTop < UNSURE_BELOW && !d.flagged) {
      unsure[d.top]++;
      doubtful[d.top]++;
      doubtful[d.second]++;
      mixed[d.top][d.second]++;
      mixed[d.second][d.top]++;
    }
  }

  const digits: DigitInsight[] = Array.from({ length: 10 }, (_, d) => {
    const extra = DOUBT_WEIGHT * doubtful[d];
    const need = (doubt[d] + extra + PRIOR_ERROR_RATE * PRIOR_STRENGTH) / (n[d] + extra + PRIOR_STRENGTH);
    return {
      digit: d,
      samples: n[d],
      errors: errors[d],
      meanTrue: n[d] > 0 ? clamp01(sumTrue[d] / n[d]) : null,
      readAs: mostOften(readAs[d], d),
      drawn: { read: read[d], unsure: unsure[d], flagged: flagged[d] },
      corrected: log.corrected[d],
      mixedWith: mostOften(mixed[d], d),
      need: clamp01(need),
    };
  });

  // the neediest first; on a tie, the digit with fewer samples (less is known), then the smaller digit
  const ranked = [...digits].sort((a, b) => b.need - a.need || a.samples - b.samples || a.digit - b.digit);
  const suggestions: Suggestion[] = ranked.slice(0, SUGGESTED_DIGITS).map((g) => ({
    digit: g.digit,
    write: WRITE_EACH,
    reason: g.errors > 0 ? 'misread' : doubtful[g.digit] > 0 ? 'doubtful' : g.samples < FEW_SAMPLES ? 'few' : 'unsure',
    need: g.need,
    samples: g.samples,
    errors: g.errors,
    readAs: g.readAs?.digit ?? null,
    meanTrue: g.meanTrue,
    unsure: doubtful[g.digit],
    mixedWith: g.mixedWith?.digit ?? null,
  }));

  return {
    modelId,
    samples: readings.length,
    drawings: log.drawings.length,
    digits,
    suggestions,
    prior: { errorRate: PRIOR_ERROR_RATE, strength: PRIOR_STRENGTH },
  };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
