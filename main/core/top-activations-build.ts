import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadShippedMnistTest, type MnistSet } from '../data/mnist.ts';
import { imageToNetworkInput, networkInfo } from '../engine/index.ts';
import { accumulateTops, emptyTops, type LayerTops } from '../explain/index.ts';
import { MODEL_FILE } from '../model-folder/folder.ts';
import { ModelRuntime } from '../runtime/model-runtime.ts';

export interface TopBuildInput {
  readonly modelDir: string;
  /** Where the shipped MNIST test digits are (native-models/). */
  readonly mnistDir: string;
  readonly k: number;
  readonly batch: number;
  /** Only the first `limit` digits (tests); absent = all. */
  readonly limit?: number;
}

export interface TopBuildResult {
  /** SHA-256 of the model.onnx the lists were computed with: a cache is valid only for those bytes. */
  readonly modelDigest: string;
  /** SHA-256 of the digits' labels and pixels. */
  readonly datasetDigest: string;
  readonly count: number;
  readonly k: number;
  readonly layers: LayerTops[];
}

export const TOP_K = 12;
export const TOP_BATCH = 250;

export function sha256Hex(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export async function modelDigest(modelDir: string): Promise<string> {
  return sha256Hex(await readFile(join(modelDir, MODEL_FILE)));
}

export function datasetDigest(set: MnistSet): string {
  return sha256Hex(set.labels, set.images);
}

/**
 * Every unit's top-k MNIST test digits: the digits through ONNX Runtime in batches (every layer's
 * output in one pass), each batch folded into the running lists. `progress` is told after each batch.
 */
export async function buildTopActivations(input: TopBuildInput, progress: (done: number, total: number) => void = () => undefined): Promise<TopBuildResult> {
  const [runtime, set, digest] = await Promise.all([ModelRuntime.load(input.modelDir), loadShippedMnistTest(input.mnistDir), modelDigest(input.modelDir)]);
  try {
    const spec = runtime.spec;
    const tops = emptyTops(networkInfo(spec), input.k);
    const total = Math.min(set.count, input.limit ?? set.count);
    const px = set.rows * set.cols;
    const size = spec.input.channels * spec.input.height * spec.input.width;
    const image = new Float32Array(px);
    for (let first = 0; first < total; first += input.batch) {
      const n = Math.min(input.batch, total - first);
      const batch = new Float32Array(n * size);
      for (let b = 0; b < n; b++) {
        const off = (first + b) * px;
        for (let j = 0; j < px; j++) image[j] = set.images[off + j] / 255;
        imageToNetworkInput(spec, image, set.cols, set.rows, batch, b * size);
      }
      const prediction = await runtime.predict(batch, n);
      accumulateTops(tops, prediction.activations, n, first);
      progress(first + n, total);
    }
    return { modelDigest: digest, datasetDigest: datasetDigest(set), count: total, k: input.k, layers: tops };
  } finally {
    await runtime.release();
  }
}
