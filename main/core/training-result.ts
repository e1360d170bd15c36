import { z } from 'zod';
import type { TrainingEpoch, TrainingProgress, TrainingResult } from '../api/contract.ts';

/**
 * The fine-tune's result card as the contract carries it, read from what main/training produced: the
 * card of a job that just finished, or the `fineTune` object a personal model's meta.json keeps. A card
 * on disk is read leniently (it may come from an older version of the app): what cannot be read is left
 * out rather than guessed.
 */
const rate = z.number().min(0).max(1).nullable().catch(null);
const measureSchema = z.object({ n: z.number().int().min(0).catch(0), before: rate, after: rate });
const epochSchema = z.object({
  epoch: z.number().int().min(0),
  loss: z.number(),
  accuracy: z.number().min(0).max(1),
  heldOutAccuracy: z.number().min(0).max(1).nullable().catch(null),
  seconds: z.number().min(0),
});
const digitCounts = z.array(z.number().int().min(0)).length(10);
/** Per digit held-out counts, written by newer versions only; unreadable or inconsistent = left out. */
const perDigitSchema = z
  .object({ n: digitCounts, correctBefore: digitCounts, correctAfter: digitCounts })
  .refine((p) => p.n.every((n, d) => p.correctBefore[d] <= n && p.correctAfter[d] <= n))
  .nullable()
  .optional()
  .catch(null);
const cardSchema = z.object({
  baseModel: z.string(),
  seconds: z.number().min(0).catch(0),
  samples: z.object({ train: z.number().int().min(0), heldOut: z.number().int().min(0) }),
  heldOut: measureSchema.extend({ perDigit: perDigitSchema }),
  mnist: measureSchema.extend({ source: z.string().catch('MNIST test subset') }),
  recipe: z.object({
    epochs: z.number().int().min(0).catch(0),
    trainedLayers: z.union([z.literal('all'), z.array(z.string())]).catch('all'),
  }),
  history: z.array(epochSchema).catch([]),
});

export function trainingResult(modelId: string, card: unknown): TrainingResult | undefined {
  const parsed = cardSchema.safeParse(card);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return {
    modelId,
    baseModelId: c.baseModel,
    seconds: c.seconds,
    samples: { train: c.samples.train, heldOut: c.samples.heldOut },
    heldOut: { n: c.heldOut.n, before: c.heldOut.before, after: c.heldOut.after, ...(c.heldOut.perDigit ? { perDigit: perDigitRows(c.heldOut.perDigit) } : {}) },
    mnist: { n: c.mnist.n, before: c.mnist.before, after: c.mnist.after, source: c.mnist.source },
    epochs: c.recipe.epochs,
    layers: c.recipe.trainedLayers,
    history: c.history.map(toEpoch),
  };
}

function perDigitRows(p: { n: number[]; correctBefore: number[]; correctAfter: number[] }): NonNullable<TrainingResult['heldOut']['perDigit']> {
  return p.n.map((n, digit) => ({
    digit, n, correctBefore: p.correctBefore[digit], correctAfter: p.correctAfter[digit],
    before: n > 0 ? p.correctBefore[digit] / n : null,
    after: n > 0 ? p.correctAfter[digit] / n : null,
  }));
}

/** Exactly the contract's keys (the page's schemas are strict), with values kept inside their ranges. */
export function toEpoch(e: { epoch: number; loss: number; accuracy: number; heldOutAccuracy: number | null; seconds: number }): TrainingEpoch {
  return { epoch: e.epoch, loss: e.loss, accuracy: clamp01(e.accuracy), heldOutAccuracy: e.heldOutAccuracy === null ? null : clamp01(e.heldOutAccuracy), seconds: Math.max(0, e.seconds) };
}

export function toProgress(p: TrainingProgress): TrainingProgress {
  const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  return {
    phase: p.phase,
    epoch: p.epoch,
    epochs: p.epochs,
    step: p.step,
    stepsPerEpoch: p.stepsPerEpoch,
    loss: finite(p.loss),
    accuracy: p.accuracy === null || !Number.isFinite(p.accuracy) ? null : clamp01(p.accuracy),
    fraction: clamp01(p.fraction),
    elapsedSec: Math.max(0, p.elapsedSec),
    etaSec: p.etaSec === null || !Number.isFinite(p.etaSec) ? null : Math.max(0, p.etaSec),
  };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
