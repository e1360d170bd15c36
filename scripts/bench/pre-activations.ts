import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/core.ts';
import type { InkStroke } from '../../main/ink/types.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import type { ExtensionOptions } from './extensions.ts';
import { percentile } from './stats.ts';

/**
 * What the Layers tab's "Before activation" costs each prediction: the core's predict of real pen
 * digits, alternately without and with withPreActivations (one engine forward with the activations
 * split off), both shipped models, in one run so the machine's load affects both alike.
 */
const root = resolve(import.meta.dirname, '../..');
const UNIPEN = resolve(root, '../shared/data/unipen-dev');

export async function measure(options: ExtensionOptions): Promise<Record<string, number> | { skipped: string }> {
  const runs = options.quick ? 60 : 300;
  const warmup = 15;
  let inks: InkStroke[][];
  try {
    const lines = (await readFile(join(UNIPEN, 'syn.jsonl'), 'utf8')).split('\n').filter((l) => l.trim());
    inks = lines.slice(0, 100).map((l) => (JSON.parse(l) as { strokes: InkStroke[] }).strokes);
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  const core = await createCore({ roots: [{ dir: join(root, 'native-models'), bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web' });
  const out: Record<string, number> = {};
  try {
    for (const arch of ['modern', 'classic'] as const) {
      const plain: number[] = [];
      const withPre: number[] = [];
      for (let i = 0; i < warmup + runs; i++) {
        const ink = { strokes: inks[i % inks.length] };
        const t0 = performance.now();
        await core.predict({ ink, modelId: arch });
        const t1 = performance.now();
        await core.predict({ ink, modelId: arch, withPreActivations: true });
        const t2 = performance.now();
        if (i < warmup) continue;
        plain.push(t1 - t0);
        withPre.push(t2 - t1);
      }
      const extra = percentile(withPre, 50) - percentile(plain, 50);
      options.log(`predict ${arch}: p50 ${percentile(plain, 50).toFixed(2)} ms, with pre-activations ${percentile(withPre, 50).toFixed(2)} ms (+${extra.toFixed(2)} ms) over ${runs} pen digits`);
      const key = arch === 'modern' ? 'Modern' : 'Classic';
      out[`predict${key}P50Ms`] = percentile(plain, 50);
      out[`predictPreActivations${key}P50Ms`] = percentile(withPre, 50);
    }
    out.preActivationsExtraP50Ms = out.predictPreActivationsModernP50Ms - out.predictModernP50Ms;
    return out;
  } finally {
    await core.close();
  }
}
