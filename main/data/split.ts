import { Rng, type ImageDataset } from '../engine/index.ts';

/** Picks `holdout` images at random (seeded) as a validation set; the rest is the training set. */
export function splitHoldout(data: ImageDataset, holdout: number, seed: number): { train: ImageDataset; holdout: ImageDataset } {
  const n = Math.max(0, Math.min(Math.floor(holdout), data.count));
  const order = new Int32Array(data.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Rng(seed, 77).shuffle(order);
  return { holdout: subset(data, order.subarray(0, n)), train: subset(data, order.subarray(n)) };
}

/** The images at the given indices, in that order, as a new dataset. */
export function subset(data: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = data.width * data.height;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(data.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = data.labels[i];
  }
  return { count: indices.length, width: data.width, height: data.height, images, labels };
}
