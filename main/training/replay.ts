import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Rng, type ImageDataset } from '../engine/index.ts';
import type { MnistSet } from '../data/mnist.ts';

/**
 * The replay set shipped with the app (native-models/replay-mnist.bin, built by scripts/build-replay.ts):
 * MNIST digits mixed into every fine-tune so the model does not forget what it knew, plus a small MNIST
 * test subset to measure whether it did.
 *
 * Format: a gzip stream (RFC 1952: its CRC-32 and length catch a damaged or cut file) of
 * ```
 * offset  size  content
 *  0      4     magic "LSRP" (LeNet Studio RePlay)
 *  4      2     format version, uint16 little-endian (1)
 *  6      1     rows (28)
 *  7      1     cols (28)
 *  8      4     N = training digits, uint32 little-endian
 * 12      4     M = test digits, uint32 little-endian
 * 16      N     training labels (0-9)
 * 16+N    M     test labels
 * 16+N+M  N*rows*cols  training images, row-major, 0 = background, 255 = ink (MNIST's bytes)
 * ...     M*rows*cols  test images
 * ```
 */
export const REPLAY_FILE = 'replay-mnist.bin';
const MAGIC = 'LSRP';
const VERSION = 1;
const HEADER = 16;
/** A replay file cannot claim more than this: a damaged header is refused before anything is allocated. */
const MAX_DIGITS = 200_000;

export interface ReplaySet {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}

export class ReplayError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ReplayError';
  }
}

export function replayPath(bundledModelsDir: string): string {
  return join(bundledModelsDir, REPLAY_FILE);
}

export function encodeReplay(set: ReplaySet): Uint8Array {
  const { train, test } = set;
  if (train.width !== test.width || train.height !== test.height) throw new Error('replay: train and test images differ in size');
  if (train.width > 255 || train.height > 255) throw new Error('replay: images larger than 255 pixels are not supported');
  const px = train.width * train.height;
  const raw = new Uint8Array(HEADER + (train.count + test.count) * (1 + px));
  const view = new DataView(raw.buffer);
  raw.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint16(4, VERSION, true);
  raw[6] = train.height;
  raw[7] = train.width;
  view.setUint32(8, train.count, true);
  view.setUint32(12, test.count, true);
  let o = HEADER;
  raw.set(train.labels.subarray(0, train.count), o);
  raw.set(test.labels.subarray(0, test.count), (o += train.count));
  raw.set(train.images.subarray(0, train.count * px), (o += test.count));
  raw.set(test.images.subarray(0, test.count * px), o + train.count * px);
  return new Uint8Array(gzipSync(raw, { level: 9 }));
}

export function decodeReplay(bytes: Uint8Array, source = 'replay set'): ReplaySet {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(gunzipSync(bytes));
  } catch (err) {
    throw new ReplayError(source, `not a readable replay file (${(err as Error).message})`);
  }
  if (raw.length < HEADER || new TextDecoder().decode(raw.subarray(0, 4)) !== MAGIC) throw new ReplayError(source, 'not a replay file (no LSRP header)');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const version = view.getUint16(4, true);
  if (version !== VERSION) throw new ReplayError(source, `format version ${version}; this app reads version ${VERSION}`);
  const rows = raw[6], cols = raw[7];
  const n = view.getUint32(8, true), m = view.getUint32(12, true);
  if (rows === 0 || cols === 0 || n + m > MAX_DIGITS) throw new ReplayError(source, `implausible header (${n} + ${m} images of ${rows}x${cols})`);
  const px = rows * cols;
  const expected = HEADER + (n + m) * (1 + px);
  if (raw.length !== expected) throw new ReplayError(source, `holds ${raw.length} bytes; its header announces ${expected}`);
  const labels = raw.subarray(HEADER, HEADER + n + m);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new ReplayError(source, `label ${labels[bad]} at index ${bad} is not a digit`);
  const images = raw.subarray(HEADER + n + m);
  return {
    train: { count: n, width: cols, height: rows, labels: labels.subarray(0, n), images: images.subarray(0, n * px) },
    test: { count: m, width: cols, height: rows, labels: labels.subarray(n), images: images.subarray(n * px) },
  };
}

export async function loadReplay(path: string): Promise<ReplaySet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ReplayError(path, `cannot be read (${(err as Error).message}); build it with \`npx tsx scripts/build-replay.ts\``);
  }
  return decodeReplay(bytes, path);
}

/** `perClass` images of each digit drawn at random (seeded), in shuffled order. */
export function balancedSample(set: MnistSet | ImageDataset, perClass: number, seed: number): ImageDataset {
  const width = 'cols' in set ? set.cols : set.width;
  const height = 'rows' in set ? set.rows : set.height;
  const order = new Int32Array(set.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Rng(seed, 11).shuffle(order);
  const taken = new Array<number>(10).fill(0);
  const picked: number[] = [];
  for (const i of order) {
    const l = set.labels[i];
    if (taken[l] < perClass) {
      taken[l]++;
      picked.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) throw new Error(`replay: only ${taken[short]} images of digit ${short}, ${perClass} wanted`);
  const px = width * height;
  const images = new Uint8Array(picked.length * px);
  const labels = new Uint8Array(picked.length);
  picked.forEach((i, k) => {
    images.set(set.images.subarray(i * px, (i + 1) * px), k * px);
    labels[k] = set.labels[i];
  });
  return { count: picked.length, width, height, images, labels };
}
