import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { InkError, parseInk, preprocessInk, type Ink } from '../ink/index.ts';
import type { ImageDataset } from '../engine/index.ts';

/** One labelled ink of a JSON Lines dataset (the format of ../shared/data/README.md). */
export interface LabelledInk {
  readonly ink: Ink;
  readonly label: number;
  readonly writer: string;
  readonly institution: string;
  /** File name and line number, for reports. */
  readonly source: string;
}

export interface InkFile {
  readonly file: string;
  readonly inks: LabelledInk[];
  /** Lines that could not be used, with the reason. */
  readonly skipped: { readonly line: number; readonly reason: string }[];
}

/** Reads a JSON Lines file of labelled inks; malformed lines are reported, never fatal. */
export async function readInkFile(path: string): Promise<InkFile> {
  const file = basename(path);
  const inks: LabelledInk[] = [];
  const skipped: InkFile['skipped'] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      skipped.push({ line, reason: 'not valid JSON' });
      continue;
    }
    const r = record as { label?: unknown; writer?: unknown; institution?: unknown };
    if (typeof r.label !== 'number' || !Number.isInteger(r.label) || r.label < 0 || r.label > 9) {
      skipped.push({ line, reason: `label ${JSON.stringify(r.label)} is not a digit 0-9` });
      continue;
    }
    let ink: Ink;
    try {
      ink = parseInk(record);
    } catch (err) {
      skipped.push({ line, reason: err instanceof InkError ? err.message : String(err) });
      continue;
    }
    const writer = typeof r.writer === 'string' ? r.writer : `${file}:unknown`;
    const institution = typeof r.institution === 'string' ? r.institution : writer.split('/')[0];
    inks.push({ ink, label: r.label, writer, institution, source: `${file}:${line}` });
  }
  return { file, inks, skipped };
}

/** FNV-1a: a stable hash so a writer's side of a split never changes between runs or machines. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Splits writers, per institution, into a training side and a held-out side: the held-out side gets
 * round(fraction * writers) of each institution's writers (at least one where it has two or more), so
 * every institution is measured and no writer spans both sides.
 */
export function splitWriters(inks: readonly LabelledInk[], fraction: number, seed: number): { train: Set<string>; heldOut: Set<string> } {
  const byInstitution = new Map<string, Set<string>>();
  for (const s of inks) {
    if (!byInstitution.has(s.institution)) byInstitution.set(s.institution, new Set());
    byInstitution.get(s.institution)!.add(s.writer);
  }
  const train = new Set<string>(), heldOut = new Set<string>();
  for (const writers of byInstitution.values()) {
    const sorted = [...writers].sort((a, b) => hash32(a, seed) - hash32(b, seed) || a.localeCompare(b));
    let k = Math.round(fraction * sorted.length);
    if (sorted.length >= 2) k = Math.max(1, Math.min(sorted.length - 1, k));
    sorted.forEach((w, i) => (i < k ? heldOut : train).add(w));
  }
  return { train, heldOut };
}

/** Renders inks through the app's own ink pipeline into 28x28 byte images (MNIST's representation). */
export function renderInks(inks: readonly LabelledInk[]): ImageDataset {
  const images = new Uint8Array(inks.length * 784);
  const labels = new Uint8Array(inks.length);
  inks.forEach((s, k) => {
    const img = preprocessInk(s.ink).image28;
    for (let j = 0; j < 784; j++) images[k * 784 + j] = Math.round(Math.min(1, Math.max(0, img[j])) * 255);
    labels[k] = s.label;
  });
  return { count: inks.length, width: 28, height: 28, images, labels };
}

/** Joins datasets of the same image size; `repeat[i]` copies of dataset i. */
export function concatDatasets(parts: readonly ImageDataset[], repeat: readonly number[] = []): ImageDataset {
  if (parts.length === 0) throw new Error('concatDatasets: nothing to join');
  const { width, height } = parts[0];
  const size = width * height;
  let count = 0;
  parts.forEach((p, i) => {
    if (p.width !== width || p.height !== height) throw new Error(`concatDatasets: ${p.width}x${p.height} images do not match ${width}x${height}`);
    count += p.count * (repeat[i] ?? 1);
  });
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  let k = 0;
  parts.forEach((p, i) => {
    for (let r = 0; r < (repeat[i] ?? 1); r++) {
      images.set(p.images.subarray(0, p.count * size), k * size);
      labels.set(p.labels.subarray(0, p.count), k);
      k += p.count;
    }
  });
  return { count, width, height, images, labels };
}
