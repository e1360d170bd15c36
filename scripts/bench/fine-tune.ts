import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readInkFile } from '../../main/data/inks.ts';
import { buildNetwork, MODERN_LENET5 } from '../../main/engine/index.ts';
import { MODEL_FILE, writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { SampleStore } from '../../main/samples/index.ts';
import { replayPath, TrainingService } from '../../main/training/index.ts';
import type { ExtensionOptions } from './extensions.ts';

/**
 * The time the app takes to fine-tune on 100 personal samples, as the person waits for it: from
 * "start" to the personal model saved and its card ready (the app's defaults: 20% of each digit held
 * out, the worker thread, before/after measurement, the ONNX export). The samples are 10 of each digit
 * by one UNIPEN writer.
 */
const root = resolve(import.meta.dirname, '../..');
const UNIPEN_FILE = resolve(root, '../shared/data/unipen-dev/syn.jsonl');
const WRITER = 'syn/rcw-dig15';

export interface FineTuneBenchOptions {
  /** Base model folder (default native-models/modern; random weights if absent: the time does not depend on them). */
  readonly modelDir?: string;
  readonly log?: (line: string) => void;
}

export interface FineTuneBench {
  readonly fineTune100Sec: number;
  readonly trainedSamples: number;
  readonly heldOutSamples: number;
  readonly epochs: number;
  readonly model: string;
}

export async function benchFineTune(options: FineTuneBenchOptions = {}): Promise<FineTuneBench> {
  const log = options.log ?? (() => undefined);
  const work = await mkdtemp(join(tmpdir(), 'bench-fine-tune-'));
  try {
    let modelDir = options.modelDir ?? join(root, 'native-models/modern');
    let description = modelDir;
    if (!existsSync(join(modelDir, MODEL_FILE))) {
      description = `random-weight modern LeNet-5 (no trained model at ${modelDir})`;
      modelDir = join(work, 'native-models', 'modern');
      await writeModelFolder(modelDir, { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights(), meta: { title: 'random weights for the benchmark' } });
    }
    const inks = (await readInkFile(UNIPEN_FILE)).inks.filter((s) => s.writer === WRITER);
    const store = await SampleStore.open(join(work, 'samples'));
    for (let d = 0; d <= 9; d++) {
      for (const s of inks.filter((x) => x.label === d).slice(0, 10)) await store.add({ label: s.label, ink: s.ink });
    }
    if (store.size !== 100) throw new Error(`bench fine-tune: expected 100 samples of ${WRITER}, got ${store.size}`);
    const versions = await ModelVersions.open({ bundledDir: dirname(modelDir), dataDir: join(work, 'data') });
    const service = new TrainingService({ versions, samples: () => store.list(), replay: replayPath(join(root, 'native-models')) });
    log(`fine-tuning ${description} on 100 samples of ${WRITER}`);
    const t0 = performance.now();
    const { result } = await service.start({ baseModelId: basename(modelDir) });
    const r = await result;
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 'done') throw new Error(`bench fine-tune: the job ended ${r.status}`);
    log(`fine-tune of 100 samples: ${seconds.toFixed(1)} s (held-out ${pct(r.card.heldOut.before)} -> ${pct(r.card.heldOut.after)})`);
    return { fineTune100Sec: seconds, trainedSamples: r.card.samples.train, heldOutSamples: r.card.samples.heldOut, epochs: r.card.recipe.epochs, model: description };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The benchmark's extension hook (scripts/bench/extensions.ts): the median of 3 runs (1 with --quick), with the spread. */
export async function measure(options: ExtensionOptions): Promise<Record<string, number>> {
  const runs = options.quick ? 1 : 3;
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) seconds.push((await benchFineTune({ log: options.log })).fineTune100Sec);
  seconds.sort((a, b) => a - b);
  // the before figure, in the same run: the fine-tune worker and its gradient threads on the TypeScript kernels
  const saved = process.env.LENET_ENGINE_KERNELS;
  process.env.LENET_ENGINE_KERNELS = 'typescript';
  let typescript: number;
  try {
    typescript = (await benchFineTune({ log: options.log })).fineTune100Sec;
  } finally {
    if (saved === undefined) delete process.env.LENET_ENGINE_KERNELS;
    else process.env.LENET_ENGINE_KERNELS = saved;
  }
  return { fineTune100Sec: seconds[Math.floor(runs / 2)], fineTune100SecMin: seconds[0], fineTune100SecMax: seconds[runs - 1], fineTune100Runs: runs, fineTune100SecTypescript: typescript };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const r = await benchFineTune({ log: (l) => process.stderr.write(`bench: ${l}\n`) });
  console.log(JSON.stringify(r));
}
