import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODERN_LENET5, Network, Rng, type ImageDataset } from '../../main/engine/index.ts';
import { GradientPool, train, type TrainConfig } from '../../main/parallel/index.ts';

/** `count` random 28x28 images labelled 0..9 (seeded). */
function dataset(count: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { count, width: 28, height: 28, images, labels };
}

/** The pool's worker threads (shard s is threads[s - 1]): the test kills one of them for real. */
const threadsOf = (pool: GradientPool) => (pool as unknown as { threads: Worker[] }).threads;
const exited = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));

const pools: GradientPool[] = [];
async function openPool(data: ImageDataset, maxBatch: number): Promise<GradientPool> {
  const pool = await GradientPool.create(MODERN_LENET5, new Network(MODERN_LENET5, { seed: 1 }).paramData, data, { workers: 2, maxBatch, seed: 1, augment: null });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('GradientPool when a gradient worker dies', () => {
  it('a worker that throws rejects the pending batch with its error, and every later batch at once', async () => {
    const data = dataset(2, 3);
    // sample 1 is in the worker's shard of a batch of two (the calling thread computes sample 0); its label
    // is out of range, so the worker's cross-entropy throws and the thread dies
    data.labels[1] = 200;
    const pool = await openPool(data, 2);
    const batch = Int32Array.from([0, 1]);
    await expect(pool.computeBatch(batch, 2, 0)).rejects.toThrow(/^gradient worker 1 failed: .*label 200 of sample 0 is outside 0\.\.9/);
    await expect(pool.computeBatch(batch, 2, 0)).rejects.toThrow(/^gradient worker 1 failed: .*label 200/);
    // the same batch without the bad label is not accepted either: the pool is unusable, not retried
    await expect(pool.computeBatch(Int32Array.from([0, 0]), 2, 0)).rejects.toThrow(/^gradient worker 1 failed/);
  });

  it('a worker that exits between batches fails the next batch with its exit code', async () => {
    const pool = await openPool(dataset(8, 4), 8);
    const batch = Int32Array.from({ length: 8 }, (_, i) => i);
    const ok = await pool.computeBatch(batch, 8, 0);
    expect(Number.isFinite(ok.lossSum)).toBe(true);
    const [worker] = threadsOf(pool);
    const code = exited(worker);
    await worker.terminate();
    expect(await code).toBe(1);
    await expect(pool.computeBatch(batch, 8, 0)).rejects.toThrow('gradient worker 1 exited with code 1');
    await expect(pool.computeBatch(batch, 8, 0)).rejects.toThrow('gradient worker 1 exited with code 1');
  });

  it('a worker that exits while a batch is pending rejects that batch', async () => {
    const pool = await openPool(dataset(64, 5), 64);
    const batch = Int32Array.from({ length: 64 }, (_, i) => i);
    const [worker] = threadsOf(pool);
    // the thread is told to stop before the batch is handed out, so it never reports its shard done
    const stopping = worker.terminate();
    const pending = pool.computeBatch(batch, 64, 0);
    await expect(pending).rejects.toThrow('gradient worker 1 exited with code 1');
    await stopping;
  });

  it('close() after a death still resolves, and the pool then refuses work', async () => {
    const pool = await openPool(dataset(4, 6), 4);
    const [worker] = threadsOf(pool);
    await worker.terminate();
    await expect(pool.computeBatch(Int32Array.from([0, 1, 2, 3]), 4, 0)).rejects.toThrow('gradient worker 1 exited');
    await pool.close();
    await expect(pool.computeBatch(Int32Array.from([0, 1, 2, 3]), 4, 0)).rejects.toThrow(/gradient worker 1 exited|used after close/);
  });

  it('train() fails with the worker\'s error instead of waiting for it', async () => {
    const create = GradientPool.create.bind(GradientPool);
    let made: GradientPool | null = null;
    vi.spyOn(GradientPool, 'create').mockImplementation(async (...args) => (made = await create(...args)));
    const config: TrainConfig = {
      epochs: 3, batchSize: 16, seed: 7, workers: 2, optimizer: { kind: 'sgd', momentum: 0.9 },
      lr: { base: 0.01, schedule: { kind: 'constant' } }, weightDecay: 0, augment: null,
    };
    let steps = 0;
    const run = train(MODERN_LENET5, null, dataset(64, 8), null, config, {
      progressIntervalMs: 0,
      onProgress() {
        // after the first batch, one gradient thread dies
        if (++steps === 1) void threadsOf(made!)[0].terminate();
      },
    });
    await expect(run).rejects.toThrow('gradient worker 1 exited with code 1');
    expect(steps).toBeLessThan(3 * 4); // it did not train to the end
  });
});
