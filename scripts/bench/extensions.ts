import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Figures measured by modules other issues add under scripts/bench/. Each is optional: a module that is
 * not there yet, or that cannot run here (no Chromium, say), makes its figures "skipped: reason" and
 * the rest of the benchmark goes on.
 *
 * The contract a module meets, by exporting `measure` (or `run`, or a default function):
 *
 *   measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }>
 *
 * returning at least its figures' keys below as finite numbers (other finite numeric fields are kept in
 * the JSON as extra detail), or `{ skipped }` with the reason it could not measure.
 */
export interface ExtensionOptions {
  readonly quick: boolean;
  /** Time the training epoch over every MNIST training digit instead of estimating it from a part. */
  readonly fullEpoch?: boolean;
  /** The model folder the rest of the benchmark measured (a temporary random-weight one if none is trained). */
  readonly modelDir: string;
  /** Progress lines (they go to stderr, so --json's last stdout line stays the JSON object). */
  readonly log: (line: string) => void;
}

export interface ExtensionFigure {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
}

export interface Extension {
  /** Path relative to this folder. */
  readonly module: string;
  readonly figures: readonly ExtensionFigure[];
}

/** Figures in one unit, by key and label. */
function inUnit(unit: string, labels: Readonly<Record<string, string>>): ExtensionFigure[] {
  return Object.entries(labels).map(([key, label]) => ({ key, label, unit }));
}

const bench = (module: string, ...figures: ExtensionFigure[][]): Extension => ({ module, figures: figures.flat() });

export const EXTENSIONS: readonly Extension[] = [
  bench('./ws-predict.ts', inUnit('ms', {
    wsPredictP50Ms: 'WebSocket predict round trip, all maps, p50',
    wsPredictP95Ms: 'WebSocket predict round trip, all maps, p95',
  })),
  bench('./lab-convolve.ts', inUnit('ms', {
    labConvolveP50Ms: 'convolution lab round trip, 28x28 input, 5x5 kernel, p50',
    labConvolveP95Ms: 'convolution lab round trip, 28x28 input, 5x5 kernel, p95 (goal < 8)',
  })),
  bench('./drawing-long-tasks.ts', inUnit('ms', { longestTaskWhileDrawingMs: 'longest renderer task while drawing' })),
  bench('./fine-tune.ts', inUnit('s', {
    fineTune100Sec: 'fine-tune on 100 personal samples',
    fineTune100SecTypescript: 'fine-tune on 100 personal samples (TypeScript kernels, 1 run)',
  })),
  bench('./personal-insight.ts', inUnit('ms', {
    insightFirstMs: 'personal insight on 300 samples, first request (predicts them all)',
    insightP50Ms: 'personal insight on 300 samples, cached, p50',
    insightP95Ms: 'personal insight on 300 samples, cached, p95 (goal < 16)',
  })),
  bench('./train-epoch.ts', inUnit('s', {
    trainEpochSec: 'one epoch of 60,000 MNIST digits, modern recipe, all workers (estimated from the first 12,800 digits; 3,200 with --quick)',
    trainEpochSecTypescript: 'the same on the TypeScript kernels (estimated from a quarter as many digits)',
  }), inUnit('%', { stepProfilePctMatrixProductsSIMD: 'share of a training step in the SIMD matrix products (one thread; the rest: stepProfilePct* in the JSON)' })),
  bench('./kernels.ts', inUnit('GFLOP/s', {
    gemmGflops: 'SIMD GEMM, C3 forward product 16x150 * 150x6400, 1 thread (per product and layer: gemmGflops*, convForwardGflops* in the JSON)',
    gemmGflopsTypescript: 'the same product, TypeScript kernels',
    gemmGflopsOnnxRuntime: 'the same product, ONNX Runtime MatMul, 1 thread',
    convForwardGflopsWasmC3: 'engine C3 forward, batch 64, SIMD kernels (im2col + GEMM + layout)',
    convForwardGflopsOnnxRuntimeC3: 'ONNX Runtime Conv, C3, batch 64, 1 thread',
  })),
  bench('./import-bomb.ts', inUnit('MB', { importBombMaxRssMb: 'peak RSS while importing the zip bombs (goal < 300)' }), inUnit('ms', { importBombMaxBlockMs: 'longest event-loop block while importing the zip bombs (goal < 50)' })),
  bench('./top-activations.ts', inUnit('s', { topActivationsBuildSec: 'top-activating digits of every modern unit over the 10,000 test digits, start to cached (goal < 10)' })),
  bench('./feature-vis.ts', inUnit('ms', { featureVisP50Ms: 'one unit’s feature visualization, request to answer, p50 (goal < 1,000)' })),
  bench('./pre-activations.ts', inUnit('ms', { preActivationsExtraP50Ms: 'what the values before the activations add to a modern predict, p50' })),
  bench('./attribution.ts', inUnit('ms', { attributionP95Ms: 'attribution for a 5-stroke digit: saliency, integrated gradients, occlusion, stroke what-if, p95 (goal < 50)' })),
];

export type ExtensionOutcome =
  | { readonly status: 'ok'; readonly values: Readonly<Record<string, number>> }
  | { readonly status: 'skipped'; readonly reason: string };

type MeasureFn = (options: ExtensionOptions) => unknown;

/** Loads and runs one extension; never throws: every problem becomes a skip with its reason. */
export async function runExtension(ext: Extension, options: ExtensionOptions): Promise<ExtensionOutcome> {
  const url = new URL(ext.module, import.meta.url);
  const shown = ext.module.startsWith('./') ? `scripts/bench/${ext.module.slice(2)}` : ext.module;
  if (!existsSync(fileURLToPath(url))) return { status: 'skipped', reason: `${shown} is not written yet` };
  let result: unknown;
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const fn = [mod.measure, mod.run, mod.default].find((f): f is MeasureFn => typeof f === 'function');
    if (!fn) return { status: 'skipped', reason: `${shown} exports no measure() function` };
    result = await fn(options);
  } catch (err) {
    return { status: 'skipped', reason: `${shown} failed: ${firstLine(err)}` };
  }
  if (typeof result !== 'object' || result === null) return { status: 'skipped', reason: `${shown} returned ${String(result)}, not an object of figures` };
  const record = result as Record<string, unknown>;
  if (typeof record.skipped === 'string') return { status: 'skipped', reason: record.skipped };
  const missing = ext.figures.filter((f) => typeof record[f.key] !== 'number' || !Number.isFinite(record[f.key]));
  if (missing.length > 0) return { status: 'skipped', reason: `${shown} returned no number for ${missing.map((f) => f.key).join(', ')}` };
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
  return { status: 'ok', values };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
