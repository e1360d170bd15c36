import { createHash } from 'node:crypto';
import { renderInks } from '../data/inks.ts';
import type { ImageDataset } from '../engine/index.ts';
import type { Ink } from '../ink/index.ts';

/** What fine-tuning needs of a sample. */
export interface LabelledSample {
  readonly id: string;
  readonly label: number;
  readonly ink: Ink;
}

/**
 * Splits each digit's samples into training and held-out: round(fraction * n) of each digit are held
 * out, ranked by a seeded hash of the sample id, so the split does not depend on the order samples were
 * listed in, and most samples keep their side as more are collected.
 */
export function splitHeldOut<T extends LabelledSample>(samples: readonly T[], fraction: number, seed = 1): { train: T[]; heldOut: T[] } {
  const held = new Set<T>();
  for (let digit = 0; digit <= 9; digit++) {
    const mine = samples.filter((s) => s.label === digit);
    const ranked = mine.map((s) => ({ s, h: rank(s.id, seed) })).sort((a, b) => a.h.localeCompare(b.h) || a.s.id.localeCompare(b.s.id));
    ranked.slice(0, Math.round(fraction * mine.length)).forEach(({ s }) => held.add(s));
  }
  // both sides keep the order they were given in (the store's: oldest first), so a fine-tune on the
  // same samples with the same seed trains on the same sequence
  return { train: samples.filter((s) => !held.has(s)), heldOut: samples.filter((s) => held.has(s)) };
}

function rank(id: string, seed: number): string {
  return createHash('sha256').update(`${seed}:${id}`).digest('hex');
}

/**
 * The samples through the app's ink pipeline, as 28x28 byte images (the same path as training from ink
 * files). `image28`, when given, supplies each sample's 28x28 image instead (the core's cache of the
 * images it already made), so no ink is rendered again.
 */
export function renderSamples(samples: readonly LabelledSample[], image28?: (sample: LabelledSample) => Float32Array): ImageDataset {
  if (!image28) return renderInks(samples.map((s) => ({ ink: s.ink, label: s.label, writer: '', institution: '', source: s.id })));
  const images = new Uint8Array(samples.length * 784);
  samples.forEach((s, k) => {
    const img = image28(s);
    if (img.length !== 784) throw new Error(`sample ${s.id}: a 28x28 image has 784 values, got ${img.length}`);
    for (let j = 0; j < 784; j++) images[k * 784 + j] = Math.round(Math.min(1, Math.max(0, img[j])) * 255);
  });
  return { count: samples.length, width: 28, height: 28, images, labels: Uint8Array.from(samples, (s) => s.label) };
}

export function countsPerDigit(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
