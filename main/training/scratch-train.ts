import type { ScratchEpochSchema, ScratchOptions, ScratchProgressSchema } from '../api/train-schemas.ts';
import type { z } from 'zod';
import {
  ARCHITECTURES, buildNetwork, decayMask, DEFAULT_AUGMENT, evaluateNetwork, learningRate, Network, Optimizer, Rng,
  type ImageDataset, type LearningRateConfig, type NetworkSpec, type Tensor,
} from '../engine/index.ts';
import { GradientPool } from '../parallel/index.ts';

/**
 * One training from scratch, in the calling thread (the training worker calls it, never the thread that
 * serves the UI): the modern recipe of scripts/train.ts (Adam, cosine decay with warm-up, weight decay
 * 1e-4), batch after batch, with a gate before each batch so it can be paused, stepped one batch at a
 * time and cancelled, and the weights of the moment readable between batches. Writes nothing anywhere.
 */

export type ScratchProgress = Omit<z.output<typeof ScratchProgressSchema>, 'jobId'>;
export type ScratchEpoch = z.output<typeof ScratchEpochSchema>;

export interface ScratchInput {
  readonly options: ScratchOptions;
  /** The digits it trains on (MNIST's chosen ones and, if asked, the person's samples). */
  readonly train: ImageDataset;
  /** Held out from the chosen MNIST digits: measured, never trained on. */
  readonly validation: ImageDataset;
  /** Measured at the end of each epoch (a fixed subset of the shipped test set). */
  readonly epochTest: ImageDataset;
  /** Measured once at the end, with the weights that are saved (all 10,000 test digits). */
  readonly finalTest: ImageDataset;
  /** Gradient threads (1 = the training worker alone). */
  readonly threads: number;
}

export type ScratchOutcome =
  | {
      readonly status: 'done';
      readonly weights: Map<string, Tensor>;
      readonly history: ScratchEpoch[];
      readonly test: { readonly n: number; readonly accuracy: number; readonly confusion: number[][] };
      readonly seconds: number;
      readonly samplesPerSec: number;
    }
  | { readonly status: 'cancelled' };

export interface ScratchHooks {
  onProgress?(p: ScratchProgress): void;
  onEpoch?(e: ScratchEpoch): void;
  /** The network being trained, once built: its parameters are the weights of the moment between batches. */
  onNetwork?(net: Network): void;
}

/** At most this often a progress report (about ten a second). */
export const PROGRESS_MS = 100;
/** Digits of the validation split measured during an epoch (all of it at the epoch's end). */
const LIVE_VALIDATION = 500;
/** Share of the training time the live validation may take (a forward is about a third of a training step). */
const VALIDATION_SHARE = 0.1;

/** Pause, resume, one batch at a time, cancel: what the loop waits on before every batch. */
export class ScratchGate {
  private paused = false;
  private steps = 0;
  private cancelled = false;
  private wake: (() => void) | null = null;

  get state(): 'running' | 'paused' {
    return this.paused ? 'paused' : 'running';
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.notify();
  }

  /** One more batch while paused (ignored while running). */
  step(): void {
    if (!this.paused) return;
    this.steps++;
    this.notify();
  }

  cancel(): void {
    this.cancelled = true;
    this.notify();
  }

  /** Resolves true when the next batch may run, false once cancelled; the boolean says whether it was a single step. */
  async pass(): Promise<{ go: boolean; stepped: boolean }> {
    for (;;) {
      if (this.cancelled) return { go: false, stepped: false };
      if (!this.paused) return { go: true, stepped: false };
      if (this.steps > 0) {
        this.steps--;
        return { go: true, stepped: true };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** The network a training from scratch builds: the architecture as scripts/train.ts trains it. */
export function scratchSpec(arch: ScratchOptions['arch']): NetworkSpec {
  const base = ARCHITECTURES[arch];
  // the shipped classic model's softmax over -0.1 x the RBF distances (see scripts/train.ts)
  return base.head === 'rbf' ? { ...base, rbfScale: 0.1 } : base;
}

/** The learning-rate schedule: the shipped recipe's cosine to 1% with a warm-up of at most 300 steps (5% of a short run). */
export function scratchSchedule(options: ScratchOptions, totalSteps: number): LearningRateConfig {
  return { base: options.learningRate, schedule: { kind: 'cosine', minFactor: 0.01 }, warmupSteps: Math.min(300, Math.round(0.05 * totalSteps)) };
}

export const SCRATCH_WEIGHT_DECAY = 1e-4;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainFromScratch(input: ScratchInput, gate: ScratchGate, hooks: ScratchHooks = {}): Promise<ScratchOutcome> {
  const { options } = input;
  const spec = scratchSpec(options.arch);
  if (input.train.count < 1) throw new Error('train from scratch: the training set is empty');
  const seedNet = new Network(spec, { seed: options.seed });
  const batch = Math.max(1, Math.min(options.batchSize, input.train.count));
  const pool = await GradientPool.create(spec, seedNet.paramData, input.train, {
    workers: input.threads, maxBatch: batch, seed: options.seed, augment: options.augment ? DEFAULT_AUGMENT : null,
  });
  try {
    const net = pool.network;
    hooks.onNetwork?.(net);
    // measured on a copy, so evaluating never touches the buffers the gradients are computed in
    const meter = buildNetwork(spec);
    const measure = (data: ImageDataset) => {
      meter.paramData.set(net.paramData);
      return evaluateNetwork(meter, data);
    };
    const optimizer = new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, SCRATCH_WEIGHT_DECAY, decayMask(net.params, net.paramData.length), new Float32Array(net.paramData.length).fill(1));
    const stepsPerEpoch = Math.ceil(input.train.count / batch);
    const total = stepsPerEpoch * options.epochs;
    const schedule = scratchSchedule(options, total);
    const liveValidation = input.validation.count > 0 ? firstOf(input.validation, LIVE_VALIDATION) : null;
    const validateEvery = liveValidation ? Math.max(1, Math.ceil(liveValidation.count / 3 / VALIDATION_SHARE / batch)) : Infinity;
    const c1 = net.params.find((p) => p.layer === 'C1' && p.shape.length === 4);
    if (!c1) throw new Error('train from scratch: the network has no C1 kernels');
    const order = new Int32Array(input.train.count);
    const history: ScratchEpoch[] = [];
    // time spent working (a pause is not training time: samples/s and time left leave it out)
    let busyMs = 0;
    let trainedSamples = 0;
    let done = 0;
    let lastReport = -Infinity;
    let window = { loss: 0, correct: 0, n: 0 };
    let pendingValidation: ScratchProgress['validation'] = null;
    let lr = 0;
    let reportedState: 'running' | 'paused' | null = null;

    const report = (epoch: number, step: number) => {
      const now = performance.now();
      lastReport = now;
      reportedState = gate.state;
      const pace = busyMs > 0 ? trainedSamples / (busyMs / 1000) : 0;
      const x = epoch + step / stepsPerEpoch;
      hooks.onProgress?.({
        state: gate.state, epoch, epochs: options.epochs, step, stepsPerEpoch, done, total,
        batch: window.n > 0 ? { x, loss: window.loss / window.n, accuracy: window.correct / window.n } : null,
        validation: pendingValidation,
        kernels: { shape: [...c1.shape], data: net.paramData.slice(c1.offset, c1.offset + c1.size) },
        samplesPerSec: pace,
        etaSec: pace > 0 ? ((total - done) * batch) / pace : null,
        elapsedSec: busyMs / 1000,
        learningRate: lr,
      });
      window = { loss: 0, correct: 0, n: 0 };
      pendingValidation = null;
    };

    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = 0; i < order.length; i++) order[i] = i;
      new Rng(options.seed, 1000 + epoch).shuffle(order);
      const epochStartBusy = busyMs;
      let lossSum = 0, correct = 0, seen = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        // a pause that came between two batches is told at once (no batch will report it)
        if (reportedState !== null && gate.state !== reportedState) report(epoch, step);
        const wasPaused = gate.state === 'paused';
        const { go, stepped } = await gate.pass();
        if (!go) return { status: 'cancelled' };
        const t0 = performance.now();
        const from = step * batch;
        const n = Math.min(batch, input.train.count - from);
        const r = await pool.computeBatch(order.subarray(from, from + n), n, epoch);
        lr = learningRate(schedule, done, total, stepsPerEpoch);
        optimizer.step(net.paramData, net.gradData, lr);
        done++;
        lossSum += r.lossSum;
        correct += r.correct;
        seen += n;
        window.loss += r.lossSum;
        window.correct += r.correct;
        window.n += n;
        trainedSamples += n;
        if (liveValidation && done % validateEvery === 0) {
          const v = measure(liveValidation);
          pendingValidation = { x: epoch + (step + 1) / stepsPerEpoch, loss: v.meanLoss, accuracy: v.accuracy };
        }
        busyMs += performance.now() - t0;
        if (stepped || wasPaused !== (gate.state === 'paused') || performance.now() - lastReport >= PROGRESS_MS) report(epoch, step + 1);
        // a turn for the worker's messages (pause, probes) between every two batches
        await yieldToEventLoop();
      }
      const t0 = performance.now();
      const val = input.validation.count > 0 ? measure(input.validation) : null;
      const test = measure(input.epochTest);
      busyMs += performance.now() - t0;
      if (val) pendingValidation = { x: epoch + 1, loss: val.meanLoss, accuracy: val.accuracy };
      const entry: ScratchEpoch = {
        epoch, trainLoss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen),
        validationLoss: val?.meanLoss ?? 0, validationAccuracy: val?.accuracy ?? 0,
        testAccuracy: test.accuracy, testDigits: test.n, seconds: (busyMs - epochStartBusy) / 1000,
      };
      history.push(entry);
      report(epoch, stepsPerEpoch);
      hooks.onEpoch?.(entry);
      if (gate.isCancelled) return { status: 'cancelled' };
    }
    const weights = net.getWeights();
    for (const [name, t] of weights) {
      const bad = t.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`training diverged: parameter ${name}[${bad}] is ${t.data[bad]}; try a lower learning rate`);
    }
    const final = measure(input.finalTest);
    return {
      status: 'done', weights, history, test: { n: final.n, accuracy: final.accuracy, confusion: final.confusion },
      seconds: busyMs / 1000, samplesPerSec: busyMs > 0 ? trainedSamples / (busyMs / 1000) : 0,
    };
  } finally {
    await pool.close();
  }
}

/** The first `n` images of a set (a view, no copy). */
export function firstOf(data: ImageDataset, n: number): ImageDataset {
  const k = Math.min(n, data.count);
  const size = data.width * data.height;
  return { count: k, width: data.width, height: data.height, images: data.images.subarray(0, k * size), labels: data.labels.subarray(0, k) };
}
