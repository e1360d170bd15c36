import type { AugmentConfig } from '../engine/augment.ts';
import { checkDataset, type ImageDataset } from '../engine/dataset.ts';
import { Network } from '../engine/network.ts';
import { decayMask, learningRate, Optimizer, type LearningRateConfig, type OptimizerConfig } from '../engine/optim.ts';
import { Rng } from '../engine/rng.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Weights } from '../engine/weights.ts';
import { evaluateNetwork, type Evaluation } from '../engine/train/evaluate.ts';
import { GradientPool } from './pool.ts';
import type { KernelChoice } from '../wasm/load-kernels.ts';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Threads computing gradients (1 = the calling thread alone). */
  readonly workers: number;
  readonly optimizer: OptimizerConfig;
  readonly lr: LearningRateConfig;
  readonly weightDecay: number;
  readonly augment: AugmentConfig | null;
  /** Layers to train; null = all. The others keep their weights (fine-tuning). */
  readonly trainableLayers?: readonly string[] | null;
  /** Keep the weights of the epoch with the best validation accuracy (needs a validation set). */
  readonly keepBest?: boolean;
  /** The engine's matrix kernels (default: the WebAssembly SIMD ones where they load). */
  readonly kernels?: KernelChoice;
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Running means over the epoch so far. */
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSec: number;
  readonly lr: number;
  readonly elapsedSec: number;
}

export interface EpochResult {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly validation: Evaluation | null;
  readonly seconds: number;
  readonly samplesPerSec: number;
  readonly lr: number;
}

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(e: EpochResult): void;
  /**
   * Called after each batch's mean gradient is in `grads` and before the optimizer steps: a fine-tune adds
   * its penalty's gradient here (an anchor toward the base weights). Both arrays are the flat parameter
   * layout of the network (Network.params gives each tensor's offset).
   */
  onGradient?(params: Float32Array, grads: Float32Array): void;
  /** Checked between batches; true stops training after the current batch. */
  shouldStop?(): boolean;
  /** How often onProgress fires and the event loop gets a turn (ms). */
  readonly progressIntervalMs?: number;
}

export interface TrainResult {
  readonly weights: Map<string, import('../engine/tensor.ts').Tensor>;
  readonly history: EpochResult[];
  readonly stopped: boolean;
  readonly seconds: number;
  readonly bestEpoch: number | null;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a network (from `initial` weights, or a fresh seeded initialisation) with mini-batches,
 * data-parallel across worker threads, reporting progress and honouring a stop request between batches.
 */
export async function train(spec: NetworkSpec, initial: Weights | null, trainSet: ImageDataset, validation: ImageDataset | null, config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  checkDataset(trainSet);
  if (validation) checkDataset(validation);
  if (trainSet.count < 1) throw new Error('train: the training set is empty');
  const start = performance.now();
  const seedNet = new Network(spec, { seed: config.seed });
  if (initial) seedNet.setWeights(initial);
  const batch = Math.max(1, Math.min(config.batchSize, trainSet.count));
  const pool = await GradientPool.create(spec, seedNet.paramData, trainSet, { workers: config.workers, maxBatch: batch, seed: config.seed, augment: config.augment, kernels: config.kernels });
  try {
    const net = pool.network;
    const trainable = new Float32Array(net.paramData.length);
    for (const p of net.params) {
      if (!config.trainableLayers || config.trainableLayers.includes(p.layer)) trainable.fill(1, p.offset, p.offset + p.size);
    }
    const optimizer = new Optimizer(config.optimizer, config.weightDecay, decayMask(net.params, net.paramData.length), trainable);
    const stepsPerEpoch = Math.ceil(trainSet.count / batch);
    const totalSteps = stepsPerEpoch * config.epochs;
    const order = new Int32Array(trainSet.count);
    const history: EpochResult[] = [];
    const interval = hooks.progressIntervalMs ?? 250;
    let best: { epoch: number; accuracy: number; params: Float32Array } | null = null;
    let stopped = false;
    let globalStep = 0;
    for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
      for (let i = 0; i < order.length; i++) order[i] = i;
      new Rng(config.seed, 1000 + epoch).shuffle(order);
      const epochStart = performance.now();
      let lastReport = epochStart;
      let lossSum = 0, correct = 0, seen = 0, lr = 0;
      for (let step = 0; step < stepsPerEpoch; step++, globalStep++) {
        const from = step * batch;
        const n = Math.min(batch, trainSet.count - from);
        const r = await pool.computeBatch(order.subarray(from, from + n), n, epoch);
        hooks.onGradient?.(net.paramData, net.gradData);
        lr = learningRate(config.lr, globalStep, totalSteps, stepsPerEpoch);
        optimizer.step(net.paramData, net.gradData, lr);
        lossSum += r.lossSum;
        correct += r.correct;
        seen += n;
        const now = performance.now();
        if (now - lastReport >= interval || step === stepsPerEpoch - 1) {
          lastReport = now;
          hooks.onProgress?.({
            epoch, epochs: config.epochs, step: step + 1, stepsPerEpoch, loss: lossSum / seen, accuracy: correct / seen,
            samplesPerSec: seen / ((now - epochStart) / 1000), lr, elapsedSec: (now - start) / 1000,
          });
          await yieldToEventLoop();
          if (hooks.shouldStop?.()) {
            stopped = true;
            break;
          }
        }
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const val = validation && !stopped ? evaluateNetwork(net, validation) : null;
      const result: EpochResult = { epoch, trainLoss: lossSum / Math.max(seen, 1), trainAccuracy: correct / Math.max(seen, 1), validation: val, seconds, samplesPerSec: seen / seconds, lr };
      history.push(result);
      hooks.onEpoch?.(result);
      if (config.keepBest && val && (!best || val.accuracy > best.accuracy)) {
        best = { epoch, accuracy: val.accuracy, params: net.paramData.slice() };
      }
    }
    if (best) net.paramData.set(best.params);
    return { weights: net.getWeights(), history, stopped, seconds: (performance.now() - start) / 1000, bestEpoch: best ? best.epoch : null };
  } finally {
    await pool.close();
  }
}
