import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/core.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import type { ExtensionOptions } from './extensions.ts';
import { percentile } from './stats.ts';

/**
 * One unit's feature visualization, request to answer, as the Layers tab asks for it: the core's
 * featureVisualization (a worker thread, the engine's backward pass, the default schedule) for units
 * of every layer of the shipped modern model, one at a time.
 */
const root = resolve(import.meta.dirname, '../..');
const UNITS: readonly [string, number][] = [['C1', 0], ['C1', 3], ['S2', 2], ['C3', 5], ['C3', 11], ['S4', 7], ['C5', 17], ['C5', 90], ['F6', 4], ['F6', 60], ['OUTPUT', 3], ['OUTPUT', 7]];

export async function measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }> {
  const core = await createCore({ roots: [{ dir: join(root, 'native-models'), bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web' });
  try {
    const units = options.quick ? UNITS.slice(0, 6) : UNITS;
    const times: number[] = [];
    for (const [layer, unit] of units) {
      const t0 = performance.now();
      const r = await core.featureVisualization({ modelId: 'modern', layer, unit });
      if (r.state !== 'done') return { skipped: `${layer}[${unit}] was ${r.state}` };
      times.push(performance.now() - t0);
    }
    options.log(`feature visualization: p50 ${percentile(times, 50).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length} units`);
    return { featureVisP50Ms: percentile(times, 50), featureVisMaxMs: Math.max(...times), featureVisUnits: times.length };
  } finally {
    await core.close();
  }
}

if (process.argv[1] === import.meta.filename) {
  void measure({ quick: process.argv.includes('--quick'), modelDir: join(root, 'native-models/modern'), log: (l) => console.error(l) }).then((r) => console.log(JSON.stringify(r)));
}
