import { decayMask, MODERN_LENET5, Network, Optimizer } from '../../main/engine/index.ts';
import { GradientPool } from '../../main/parallel/index.ts';
import type { KernelChoice } from '../../main/wasm/load-kernels.ts';
import { BATCH, batchStart, type BenchData } from './data.ts';
import type { Trainer } from './throughput.ts';

/**
 * The engine's training step as `npm run train` runs it: the gradient of a batch of 64 across `workers`
 * threads (the calling thread computes one shard), then an Adam step. No augmentation, so the engine does
 * the same work per sample as the other trainers in the benchmark. `kernels`: the matrix kernels of every
 * thread (default: the SIMD ones, as the app runs).
 */
export async function openEngineTrainer(data: BenchData, workers: number, kernels?: KernelChoice): Promise<Trainer> {
  const spec = MODERN_LENET5;
  const initial = new Network(spec, { seed: 1 });
  const pool = await GradientPool.create(spec, initial.paramData, data.train, { workers, maxBatch: BATCH, seed: 1, augment: null, kernels });
  if (kernels && pool.kernels !== kernels) {
    await pool.close();
    throw new Error(`the ${kernels} kernels did not load`);
  }
  const net = pool.network;
  const P = net.paramData.length;
  const optimizer = new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 1e-4, decayMask(net.params, P), new Float32Array(P).fill(1));
  const order = Int32Array.from({ length: data.train.count }, (_, i) => i);
  let k = 0;
  return {
    params: net.trainableParams,
    samplesPerStep: BATCH,
    async step() {
      const from = batchStart(k++, data.train.count);
      await pool.computeBatch(order.subarray(from, from + BATCH), BATCH, 0);
      optimizer.step(net.paramData, net.gradData, 1e-3);
    },
    close: () => pool.close(),
  };
}
