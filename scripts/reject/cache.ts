import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Rng } from '../../main/engine/rng.ts';
import {
  DEFAULT_DEGENERATE_LIMITS, degenerateInk, featureCount, inkShape, nonDigitFeatures, scoresLayer, STROKE_FIGURES, type DegenerateLimits, type FeatureLayout,
} from '../../main/nondigit/index.ts';
import type { ModelRuntime } from '../../main/runtime/index.ts';
import type { JudgedInk } from '../eval/nondigit-data.ts';
import { runPass } from '../eval/nondigit-data.ts';
import { distortInk, syntheticInks } from './synthetic.ts';

/** Every feature a candidate head may read: these layers' outputs, the score summaries, the rich stroke figures. */
export const CACHE_LAYERS = ['S4', 'C5', 'F6', 'OUTPUT'] as const;

/** One ink of the fitting set: real, a distorted copy of a real one, or a synthetic non-digit. */
export interface CacheRow {
  readonly writer: string;
  readonly institution: string;
  readonly kind: string;
  readonly character: string | null;
  readonly digit: number | null;
  readonly source: 'real' | 'copy' | 'synthetic';
  /** The network's reading. */
  readonly top: number;
  /** Decided before any head: empty or caught by the degenerate-ink checks. */
  readonly decided: boolean;
  /** Which copy of its ink (0, 1, ...) a distorted copy is; 0 otherwise. */
  readonly copy: number;
}

export interface FeatureCache {
  readonly rows: CacheRow[];
  /** rows x dims feature values of the full layout (CACHE_LAYERS, summaries, rich strokes). */
  readonly x: Float32Array;
  readonly dims: number;
  /** Column range of each part, to build any smaller layout from the cache. */
  readonly columns: Record<string, [number, number]>;
  readonly degenerate: DegenerateLimits;
  readonly trainingDigitsMax: { tortuosity: number; strokes: number };
}

export interface CacheOptions {
  readonly copies: number;
  readonly nondigitCopies: number;
  readonly synthetic: number;
  readonly seed: number;
}

/**
 * Runs the model on every ink once and keeps every candidate feature: all writers' real inks (the
 * held-out writers only to report on), distorted copies of the training writers' inks, and synthetic
 * non-digits. Cached in FILE.json + FILE.bin so heads can be fitted again without the model.
 */
export async function buildCache(runtime: ModelRuntime, all: readonly JudgedInk[], train: ReadonlySet<string>, o: CacheOptions, file?: string): Promise<FeatureCache> {
  if (file && existsSync(`${file}.json`) && existsSync(`${file}.bin`)) {
    const meta = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Omit<FeatureCache, 'x'> & { options: CacheOptions };
    if (JSON.stringify(meta.options) === JSON.stringify(o)) {
      const bytes = await readFile(`${file}.bin`);
      let digitCopies = 0, otherCopies = 0;
      const rows = meta.rows.map((r) => (r.copy !== undefined || r.source !== 'copy' ? { ...r, copy: r.copy ?? 0 } : { ...r, copy: r.digit === null ? otherCopies++ % Math.max(1, o.nondigitCopies) : digitCopies++ % Math.max(1, o.copies) }));
      return { ...meta, rows, x: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
    }
  }
  const rng = new Rng(o.seed, 11);
  const inks: (JudgedInk & { source: CacheRow['source']; copy: number })[] = all.map((s) => ({ ...s, source: 'real', copy: 0 }));
  for (const s of all) {
    if (!train.has(s.writer)) continue;
    const n = s.digit === null ? o.nondigitCopies : o.copies;
    for (let k = 0; k < n; k++) inks.push({ ...s, ink: distortInk(s.ink, rng), source: 'copy', copy: k });
  }
  syntheticInks(o.synthetic, o.seed).forEach((s, i) => inks.push({ ink: s.ink, digit: null, character: null, kind: `synthetic-${s.kind}`, writer: `synthetic/${i % 97}`, file: 'synthetic', source: 'synthetic', copy: 0 }));

  const shapes = inks.map((s) => inkShape(s.ink));
  // degenerate-ink limits: the defaults, widened if a training writer's digit came near them
  const digitShapes = shapes.filter((_, i) => inks[i].digit !== null && train.has(inks[i].writer));
  const maxTort = Math.max(...digitShapes.map((s) => s.tortuosity)), maxStrokes = Math.max(...digitShapes.map((s) => s.strokes));
  const degenerate = { ...DEFAULT_DEGENERATE_LIMITS, maxTortuosity: Math.max(DEFAULT_DEGENERATE_LIMITS.maxTortuosity, 1.5 * maxTort), maxStrokes: Math.max(DEFAULT_DEGENERATE_LIMITS.maxStrokes, maxStrokes + 2) };

  const pass = await runPass(runtime, inks, CACHE_LAYERS);
  const layout: FeatureLayout = { layers: CACHE_LAYERS, summaries: true, strokes: 'rich' };
  const sizes = Object.fromEntries(CACHE_LAYERS.map((l) => [l, pass[0].layers[l].length]));
  const dims = featureCount(layout, (l) => sizes[l]);
  const columns: Record<string, [number, number]> = {};
  let c = 0;
  for (const l of CACHE_LAYERS) columns[l] = [c, (c += sizes[l])];
  columns.summaries = [c, (c += 4)];
  columns.strokes = [c, (c += STROKE_FIGURES.length)];
  columns.basicStrokes = [columns.strokes[0], columns.strokes[0] + 3];
  const x = new Float32Array(inks.length * dims);
  const rows: CacheRow[] = inks.map((s, i) => {
    const p = pass[i];
    nonDigitFeatures(layout, { layers: p.layers, scores: p.scores, head: runtime.spec.head, rbfScale: runtime.spec.rbfScale, ink: s.ink, shape: shapes[i] }, x.subarray(i * dims, (i + 1) * dims));
    return {
      writer: s.writer, institution: s.writer.split('/')[0], kind: s.kind, character: s.character, digit: s.digit, source: s.source, top: p.top,
      decided: p.empty || degenerateInk(shapes[i], degenerate) !== null, copy: s.copy,
    };
  });
  const cache: FeatureCache = { rows, x, dims, columns, degenerate, trainingDigitsMax: { tortuosity: maxTort, strokes: maxStrokes } };
  if (file) {
    const { x: _x, ...meta } = cache;
    await writeFile(`${file}.json`, JSON.stringify({ ...meta, options: o, scoresLayer: scoresLayer(runtime.spec) }));
    await writeFile(`${file}.bin`, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  }
  return cache;
}

/** The column indices of a layout within the cache (the basic stroke figures are the rich ones' first three). */
export function layoutColumns(cache: FeatureCache, layout: FeatureLayout): number[] {
  const cols: number[] = [];
  const range = (name: string) => {
    const r = cache.columns[name];
    if (!r) throw new Error(`the cache has no ${name}`);
    for (let j = r[0]; j < r[1]; j++) cols.push(j);
  };
  for (const l of layout.layers) range(l);
  if (layout.summaries) range('summaries');
  range(layout.strokes === 'rich' ? 'strokes' : 'basicStrokes');
  return cols;
}
