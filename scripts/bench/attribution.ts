import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/core.ts';
import type { InkStroke } from '../../main/ink/types.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import type { ExtensionOptions } from './extensions.ts';
import { percentile } from './stats.ts';

/**
 * Attribution for the drawing as it follows the pen: the core's explainDrawing (the request the page
 * sends, with its defaults: saliency and gradient x input, no integrated gradients (the page asks for them only when they are shown; attributionWithIgP95Ms adds 16 points),
 * occlusion with 144 patch positions, stroke what-if) on 5-stroke digits, one call at a time. UNIPEN's
 * digits have at most four strokes, so each real pen digit's points are cut into five strokes of equal
 * length (the image barely changes; stroke what-if then re-reads five inks).
 */
const root = resolve(import.meta.dirname, '../..');
const UNIPEN = resolve(root, '../shared/data/unipen-dev');
const STROKES = 5;

function intoStrokes(strokes: readonly InkStroke[], count: number): InkStroke[] {
  const points = strokes.flat();
  const per = Math.ceil(points.length / count);
  return Array.from({ length: count }, (_, i) => points.slice(i * per, (i + 1) * per)).filter((s) => s.length > 0);
}

export async function measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }> {
  const runs = options.quick ? 60 : 300;
  const warmup = 15;
  let inks: InkStroke[][];
  try {
    const lines = (await readFile(join(UNIPEN, 'syn.jsonl'), 'utf8')).split('\n').filter((l) => l.trim());
    inks = lines.slice(0, 200).map((l) => intoStrokes((JSON.parse(l) as { strokes: InkStroke[] }).strokes, STROKES)).filter((s) => s.length === STROKES);
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  const shipped = join(root, 'native-models/modern');
  const modelsRoot = await mkdtemp(join(tmpdir(), 'lenet-attribution-bench-'));
  await symlink(resolve(options.modelDir ?? shipped), join(modelsRoot, 'modern'), 'junction');
  const core = await createCore({ roots: [{ dir: modelsRoot, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web' });
  const series = async (integratedSteps: number, count: number) => {
    const total: number[] = [];
    const parts = { gradientMs: [] as number[], occlusionMs: [] as number[], strokesMs: [] as number[] };
    for (let i = 0; i < warmup + count; i++) {
      const t0 = performance.now();
      const r = await core.explainDrawing({ ink: { strokes: inks[i % inks.length] }, integratedSteps });
      const ms = performance.now() - t0;
      if (i < warmup) continue;
      total.push(ms);
      parts.gradientMs.push(r.timing.gradientMs);
      parts.occlusionMs.push(r.timing.occlusionMs);
      parts.strokesMs.push(r.timing.strokesMs);
    }
    return { total, parts };
  };
  try {
    const { total, parts } = await series(0, runs);
    const withIg = await series(16, Math.ceil(runs / 3));
    options.log(`attribution: p50 ${percentile(total, 50).toFixed(1)} ms, p95 ${percentile(total, 95).toFixed(1)} ms over ${runs} 5-stroke digits; with integrated gradients p95 ${percentile(withIg.total, 95).toFixed(1)} ms`);
    return {
      attributionP95Ms: percentile(total, 95),
      attributionP50Ms: percentile(total, 50),
      attributionGradientP50Ms: percentile(parts.gradientMs, 50),
      attributionOcclusionP50Ms: percentile(parts.occlusionMs, 50),
      attributionStrokesP50Ms: percentile(parts.strokesMs, 50),
      attributionWithIgP95Ms: percentile(withIg.total, 95),
      attributionRuns: runs,
    };
  } finally {
    await core.close();
    await rm(modelsRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  void measure({ quick: process.argv.includes('--quick'), modelDir: join(root, 'native-models/modern'), log: (l) => console.error(l) }).then((r) => console.log(JSON.stringify(r)));
}
