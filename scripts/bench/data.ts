import { loadMnist, mnistInput, type MnistSet } from '../../main/data/mnist.ts';
import type { ImageDataset } from '../../main/engine/index.ts';

/** Every trainer in the benchmark sees the same mini-batches, in the same order, of real MNIST images. */
export const BATCH = 64;

/** Enough distinct images that no trainer replays a batch it has just seen within one timed run. */
const TRAIN_IMAGES = 100 * BATCH;

export interface BenchData {
  /** The first TRAIN_IMAGES training images, as bytes (what the engine's workers share). */
  readonly train: ImageDataset;
  /** The same images as [0, 1] floats, image after image (what ConvNetJS and tfjs are fed). */
  readonly trainFloats: Float32Array;
  /** Test images for the one-image latency figures, as [0, 1] floats. */
  readonly test: MnistSet;
}

export async function loadBenchData(): Promise<BenchData> {
  const [trainSet, test] = await Promise.all([loadMnist('train'), loadMnist('test')]);
  const n = TRAIN_IMAGES;
  const pixels = trainSet.rows * trainSet.cols;
  const train: ImageDataset = {
    count: n, width: trainSet.cols, height: trainSet.rows,
    images: trainSet.images.slice(0, n * pixels), labels: trainSet.labels.slice(0, n),
  };
  return { train, trainFloats: mnistInput(trainSet, 'modern', 0, n), test };
}

/** First image of the k-th batch: batches walk through the images in order and wrap around. */
export function batchStart(k: number, count: number): number {
  const batches = Math.floor(count / BATCH);
  return (k % batches) * BATCH;
}

/** One image at a time for latency figures, cycling through `count` different test images. */
export function singleImages(test: MnistSet, count: number): Float32Array[] {
  return Array.from({ length: Math.min(count, test.count) }, (_, i) => mnistInput(test, 'modern', i, 1));
}
