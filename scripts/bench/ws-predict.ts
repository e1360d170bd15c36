import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InkStroke } from '../../main/ink/types.ts';
import { openBrowserMode, runAlone, UNIPEN } from './browser-mode-harness.ts';
import { percentile } from './stats.ts';

/**
 * Predict round trip over browser mode's WebSocket, as the page sees it: the renderer's own client sends a
 * real pen digit (UNIPEN), the in-process server validates it, runs the ink pipeline and ONNX Runtime, and
 * answers with the probabilities and every layer's feature maps, which the client parses. One call at a
 * time, as while drawing.
 */

export interface WsPredictOptions {
  readonly quick: boolean;
  /** A model folder (native-models/modern, or a temporary one with random weights). */
  readonly modelDir: string;
  readonly log?: (line: string) => void;
}

/** Inks from every institution in turn, so sizes and point counts vary as real drawing does. */
async function loadInks(count: number): Promise<InkStroke[][]> {
  const files = ['syn', 'ced', 'gmd', 'tos', 'uqb', 'imp', 'pri'];
  const perFile = await Promise.all(
    files.map(async (f) => (await readFile(join(UNIPEN, `${f}.jsonl`), 'utf8')).split('\n').filter((l) => l.trim()).slice(0, count)),
  );
  const inks: InkStroke[][] = [];
  for (let i = 0; inks.length < count; i++) {
    for (const lines of perFile) if (lines[i % lines.length] && inks.length < count) inks.push((JSON.parse(lines[i % lines.length]) as { strokes: InkStroke[] }).strokes);
  }
  return inks;
}

export async function measure(options: WsPredictOptions): Promise<{ wsPredictP50Ms: number; wsPredictP95Ms: number; wsPredictMeanMs: number; wsPredictRuns: number } | { skipped: string }> {
  const runs = options.quick ? 150 : 600;
  const warmup = options.quick ? 20 : 60;
  let inks: InkStroke[][];
  try {
    inks = await loadInks(runs + warmup);
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  const browser = await openBrowserMode(options.modelDir, 'lenet-ws-bench-');
  const { client } = browser;
  try {
    const times: number[] = [];
    let maps = 0;
    for (const [i, strokes] of inks.entries()) {
      const t0 = performance.now();
      const response = await client.predict({ ink: { strokes } });
      const elapsed = performance.now() - t0;
      if (i >= warmup) times.push(elapsed);
      maps = response.activations.length;
    }
    options.log?.(`ws-predict: ${times.length} round trips with ${maps} layers of feature maps each`);
    return {
      wsPredictP50Ms: percentile(times, 50),
      wsPredictP95Ms: percentile(times, 95),
      wsPredictMeanMs: times.reduce((a, b) => a + b, 0) / times.length,
      wsPredictRuns: times.length,
    };
  } finally {
    await browser.close();
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await runAlone(measure);
