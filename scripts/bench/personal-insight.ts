import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core/core.ts';
import type { InkStroke } from '../../main/ink/types.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { percentile } from './stats.ts';

/**
 * The personal insight ("what to write next") on a store of 300 real samples: the first request, which
 * predicts every sample with ONNX Runtime, and the requests after it (the probabilities are cached per
 * sample and model; the My samples panel asks again after every drawing), which should fit in a frame.
 */
const root = resolve(import.meta.dirname, '../..');
const UNIPEN = resolve(root, '../shared/data/unipen-dev');
const SAMPLES = 300;

export async function measure(options: { quick: boolean; modelDir: string; log?: (line: string) => void }): Promise<Record<string, number> | { skipped: string }> {
  const runs = options.quick ? 50 : 300;
  let inks: { label: number; strokes: InkStroke[] }[];
  try {
    inks = (await readFile(join(UNIPEN, 'syn.jsonl'), 'utf8')).split('\n').filter((l) => l.trim()).slice(0, SAMPLES).map((l) => JSON.parse(l) as { label: number; strokes: InkStroke[] });
  } catch (err) {
    return { skipped: `the UNIPEN inks are not readable at ${UNIPEN}: ${(err as Error).message}` };
  }
  const modelsRoot = await mkdtemp(join(tmpdir(), 'lenet-insight-bench-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'lenet-insight-bench-data-'));
  await symlink(resolve(options.modelDir), join(modelsRoot, 'modern'), 'junction');
  const store = await SampleStore.open(samplesDir(dataDir));
  for (const ink of inks) await store.add({ ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' });
  const versions = await ModelVersions.open({ bundledDir: modelsRoot, dataDir, defaultId: 'modern' });
  const core = await createCore({
    roots: [{ dir: modelsRoot, bundled: true }, { dir: join(dataDir, 'models'), bundled: false }],
    loadModel: (d) => ModelRuntime.load(d), version: 'bench', transport: 'web', defaultModelId: 'modern',
    personal: { store, versions, replay: join(root, 'native-models/replay-mnist.bin') },
  });
  try {
    await core.predict({ ink: { strokes: inks[0].strokes } }); // the model's session is open, as in the app
    const t0 = performance.now();
    const first = await core.personalInsight({});
    const coldMs = performance.now() - t0;
    if (first.samples !== inks.length) throw new Error(`the insight counted ${first.samples} samples, not ${inks.length}`);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      // a drawing between requests, as when the person draws with the panel open
      await core.predict({ ink: { strokes: inks[i % inks.length].strokes } });
      const t = performance.now();
      await core.personalInsight({});
      times.push(performance.now() - t);
    }
    options.log?.(`personal-insight: ${inks.length} samples, first request ${coldMs.toFixed(1)} ms, ${times.length} more`);
    return { insightFirstMs: coldMs, insightP50Ms: percentile(times, 50), insightP95Ms: percentile(times, 95), insightSamples: inks.length };
  } finally {
    await core.close();
    await rm(modelsRoot, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const { resolveModel } = await import('./model-source.ts');
  const model = await resolveModel(join(root, 'native-models/modern'));
  try {
    console.log(JSON.stringify(await measure({ quick: process.argv.includes('--quick'), modelDir: model.dir, log: (l) => console.error(l) })));
  } finally {
    await model.dispose();
  }
}
