import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadShippedMnistTest } from '../data/mnist.ts';
import { fieldInDigit, type FieldRect } from '../explain/index.ts';
import type { LayerInfo } from '../engine/index.ts';
import { datasetDigest, modelDigest, TOP_BATCH, TOP_K, type TopBuildInput, type TopBuildResult } from './top-activations-build.ts';
import { readTopCache, TOP_CACHE_FILE, writeTopCache } from './top-activations-cache.ts';

export interface TopModel {
  readonly id: string;
  readonly dir: string;
  /** Where this model's cache lives (its own folder, or the data folder's for a read-only bundled one). */
  readonly cacheDir: string;
}

export type TopState =
  | { readonly state: 'ready'; readonly result: TopBuildResult }
  | { readonly state: 'building'; readonly done: number; readonly total: number }
  | { readonly state: 'failed'; readonly message: string };

export interface TopExample {
  readonly index: number;
  readonly label: number;
  readonly value: number;
  readonly field: FieldRect;
}

/**
 * The top-activating MNIST test digits of every unit, once per model: from the cache beside the model
 * when it is valid for the model's bytes and the digits, otherwise built in a worker thread (ONNX
 * Runtime in batches) with progress, then cached. Requests while it builds answer with the progress.
 */
export class TopActivations {
  private readonly states = new Map<string, { digest: string; state: TopState }>();
  private digitsPromise: Promise<{ digest: string; images: Uint8Array; labels: Uint8Array }> | null = null;

  constructor(
    private readonly mnistDir: string,
    private readonly onProgress: (modelId: string, state: TopState) => void,
    private readonly warn: (message: string) => void,
  ) {}

  digits() {
    this.digitsPromise ??= loadShippedMnistTest(this.mnistDir).then((set) => ({ digest: datasetDigest(set), images: set.images, labels: set.labels }));
    return this.digitsPromise;
  }

  /** The model's lists when they are built (in memory) for its current bytes; null otherwise. */
  async known(model: { id: string; dir: string }): Promise<TopBuildResult | null> {
    const known = this.states.get(model.id);
    if (!known || known.state.state !== 'ready') return null;
    return known.digest === (await modelDigest(model.dir)) ? known.state.result : null;
  }

  /** The model's lists, or where their building stands (starting it when nothing is under way). */
  async state(model: TopModel): Promise<TopState> {
    const digest = await modelDigest(model.dir);
    const known = this.states.get(model.id);
    if (known && known.digest === digest && known.state.state !== 'failed') return known.state;
    const digits = await this.digits();
    const path = join(model.cacheDir, TOP_CACHE_FILE);
    const cached = await readTopCache(path, { modelDigest: digest, datasetDigest: digits.digest });
    if (!('problem' in cached)) {
      const state: TopState = { state: 'ready', result: cached };
      this.states.set(model.id, { digest, state });
      return state;
    }
    if (cached.problem !== 'none yet') this.warn(`the top-activations cache ${path} is not used (${cached.problem}); it is rebuilt`);
    const building: TopState = { state: 'building', done: 0, total: digits.labels.length };
    this.states.set(model.id, { digest, state: building });
    void this.build(model, digest, path);
    return building;
  }

  private async build(model: TopModel, digest: string, path: string): Promise<void> {
    const set = (state: TopState) => {
      this.states.set(model.id, { digest, state });
      this.onProgress(model.id, state);
    };
    try {
      const result = await runWorker({ modelDir: model.dir, mnistDir: this.mnistDir, k: TOP_K, batch: TOP_BATCH }, (done, total) => set({ state: 'building', done, total }));
      if (result.modelDigest !== digest) throw new Error('the model changed while its top activations were computed');
      try {
        await mkdir(model.cacheDir, { recursive: true });
        await writeTopCache(path, result);
      } catch (err) {
        this.warn(`the top activations of ${model.id} could not be cached in ${path}: ${(err as Error).message}`);
      }
      set({ state: 'ready', result });
    } catch (err) {
      set({ state: 'failed', message: (err as Error).message });
    }
  }
}

/** One unit's examples, best first, each with the receptive field of its strongest position in the digit. */
export function unitExamples(result: TopBuildResult, layer: LayerInfo, inputSize: number, unit: number, labels: Uint8Array): TopExample[] {
  const tops = result.layers.find((l) => l.name === layer.name);
  if (!tops) throw new RangeError(`no top activations for layer ${layer.name}`);
  if (!Number.isInteger(unit) || unit < 0 || unit >= tops.channels) throw new RangeError(`layer ${layer.name} has units 0..${tops.channels - 1}, not ${unit}`);
  const out: TopExample[] = [];
  for (let i = unit * tops.k; i < (unit + 1) * tops.k; i++) {
    if (tops.index[i] < 0) continue;
    out.push({ index: tops.index[i], label: labels[tops.index[i]], value: tops.value[i], field: fieldInDigit(layer, tops.position[i], inputSize, 28) });
  }
  return out;
}

function runWorker(input: TopBuildInput, progress: (done: number, total: number) => void): Promise<TopBuildResult> {
  const js = new URL('./top-activations-worker.mjs', import.meta.url);
  const script = existsSync(fileURLToPath(js))
    ? { url: js, entry: js.href }
    : { url: new URL('../parallel/tsx-worker-bootstrap.mjs', import.meta.url), entry: new URL('./top-activations-worker.ts', import.meta.url).href };
  return new Promise((resolve, reject) => {
    const worker = new Worker(script.url, { workerData: { input, entry: script.entry } });
    let settled = false;
    worker.on('message', (m: { kind: 'progress'; done: number; total: number } | { kind: 'done'; result: TopBuildResult } | { kind: 'failed'; message: string }) => {
      if (m.kind === 'progress') progress(m.done, m.total);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the top-activations worker stopped (exit code ${code})`));
      settled = true;
    });
  });
}
