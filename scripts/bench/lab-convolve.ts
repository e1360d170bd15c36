import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InkStroke } from '../../main/ink/types.ts';
import { openBrowserMode, runAlone, UNIPEN } from './browser-mode-harness.ts';
import { percentile } from './stats.ts';

/**
 * One change in the convolution lab, as the page sees it: the renderer's own WebSocket client sends the
 * drawing's 28x28 network input with a 5x5 kernel (the model's first C1 kernel), padding 2, ReLU, 2x2
 * max pooling and the worked sum of one unit, and parses the answer (maps, formula, curve, worked sums).
 * The unit moves every call, as when the window slides. Browser mode as the predict round trip's (ws-predict.ts).
 */

export async function measure(options: { quick: boolean; modelDir: string; log?: (line: string) => void }): Promise<Record<string, number> | { skipped: string }> {
  const runs = options.quick ? 150 : 600;
  const warmup = options.quick ? 20 : 60;
  let strokes: InkStroke[];
  try {
    const line = (await readFile(join(UNIPEN, 'pri.jsonl'), 'utf8')).split('\n').find((l) => l.trim())!;
    strokes = (JSON.parse(line) as { strokes: InkStroke[] }).strokes;
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  const browser = await openBrowserMode(options.modelDir, 'lenet-lab-bench-');
  const { client } = browser;
  try {
    const { input } = await client.predict({ ink: { strokes } });
    const c1 = await client.layerKernels({ layer: 'C1' });
    const [, inChannels, kh, kw] = c1.shape;
    if (inChannels !== 1 || kh !== 5 || kw !== 5) return { skipped: `the model's C1 kernels are ${c1.shape.join('x')}, not 5x5 over one channel` };
    const kernel = c1.data.slice(0, 25);
    const times: number[] = [];
    for (let i = 0; i < runs + warmup; i++) {
      const t0 = performance.now();
      const answer = await client.labConvolve({
        input: { channels: 1, height: input.height, width: input.width, data: input.data },
        kernels: { outMaps: 1, height: 5, width: 5, data: kernel },
        bias: [c1.bias[0]],
        stride: [1, 1],
        padding: [2, 2],
        activation: { fn: 'relu' },
        pool: { kind: 'max', size: [2, 2], stride: [2, 2] },
        unit: { map: 0, row: Math.floor(i / 28) % 28, col: i % 28 },
        poolUnit: { map: 0, row: Math.floor(i / 14) % 14, col: i % 14 },
      });
      const elapsed = performance.now() - t0;
      if (answer.conv.width !== 28) throw new Error(`the lab answered a ${answer.conv.height}x${answer.conv.width} output, not 28x28`);
      if (i >= warmup) times.push(elapsed);
    }
    options.log?.(`lab-convolve: ${times.length} round trips of a 28x28 input, 5x5 kernel, padding 2`);
    return {
      labConvolveP50Ms: percentile(times, 50),
      labConvolveP95Ms: percentile(times, 95),
      labConvolveRuns: times.length,
    };
  } finally {
    await browser.close();
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await runAlone(measure);
