import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import type { z } from 'zod';
import { ScratchOptionsSchema, type ScratchOptions, type ScratchOptionsInput, type ScratchResultSchema } from '../api/train-schemas.ts';
import { asImageDataset, loadShippedMnistTest, loadShippedMnistTrain, SHIPPED_MNIST_TEST, SHIPPED_MNIST_TRAIN } from '../data/mnist.ts';
import { concatDatasets } from '../data/inks.ts';
import { subset } from '../data/split.ts';
import { networkInfo, Rng, totalParams, type ImageDataset } from '../engine/index.ts';
import { verifyModel } from '../versions/verify.ts';
import type { ModelVersion, ModelVersions } from '../versions/versions.ts';
import { renderSamples, type LabelledSample } from './personal-data.ts';
import { startScratchJob, type ScratchAction, type ScratchJob, type ScratchProbe, type ScratchState } from './scratch-job.ts';
import { firstOf, SCRATCH_WEIGHT_DECAY, scratchSchedule, scratchSpec, type ScratchEpoch, type ScratchInput, type ScratchProgress } from './scratch-train.ts';
import { TrainingError } from './service.ts';

/** A tenth of the chosen digits is held out for validation. */
export const VALIDATION_SHARE = 0.1;
/** The test digits measured at the end of each epoch: the first 1,000 of the shipped 10,000 (all of them at the end). */
export const EPOCH_TEST_DIGITS = 1000;

export type ScratchResult = z.output<typeof ScratchResultSchema>;

export interface ScratchStarted {
  readonly jobId: string;
  readonly options: ScratchOptions;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly personalSamples: number;
  readonly stepsPerEpoch: number;
}

export type ScratchEvent =
  | { readonly name: 'scratchProgress'; readonly payload: ScratchProgress & { readonly jobId: string } }
  | { readonly name: 'scratchEpoch'; readonly payload: { readonly jobId: string; readonly epoch: ScratchEpoch } }
  | { readonly name: 'scratchFinished'; readonly payload: { readonly jobId: string; readonly status: 'done'; readonly result: ScratchResult } | { readonly jobId: string; readonly status: 'cancelled' } | { readonly jobId: string; readonly status: 'failed'; readonly message: string } };

export interface ScratchServiceOptions {
  readonly versions: ModelVersions;
  /** Where the shipped MNIST files are (native-models/). */
  readonly mnistDir: string;
  readonly samples: () => readonly LabelledSample[];
  readonly image28?: (sample: LabelledSample) => Float32Array;
  readonly emit?: (event: ScratchEvent) => void;
  /** Gradient threads in the training worker (default 1: the other core serves the app). */
  readonly threads?: number;
}

export function scratchOptions(input: ScratchOptionsInput | Partial<ScratchOptions> = {}): ScratchOptions {
  const parsed = ScratchOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new TrainingError(`train from scratch: ${i.path.join('.') || 'options'}: ${i.message}`);
  }
  return parsed.data;
}

/**
 * Training from scratch as the app runs it: one job at a time, in a worker thread, on the shipped MNIST
 * training digits. The result is saved as a new personal model version only at the very end, in one
 * rename (ModelVersions.savePersonal), then checked for parity (ONNX Runtime against the engine); a
 * cancelled, failed or killed job leaves nothing behind.
 */
export class ScratchService {
  private running: { started: ScratchStarted; job: ScratchJob; result: Promise<void> } | null = null;
  private starting = false;
  private data: Promise<{ train: ImageDataset; test: ImageDataset }> | null = null;

  constructor(private readonly options: ScratchServiceOptions) {}

  get currentJobId(): string | null {
    return this.running?.started.jobId ?? (this.starting ? 'starting' : null);
  }

  /** Starts a training; `otherJob` is a fine-tune under way, if any (one training at a time). */
  async start(request: Partial<ScratchOptions> = {}, otherJob: string | null = null): Promise<ScratchStarted> {
    const busy = otherJob ?? this.currentJobId;
    if (busy) throw new TrainingError({ code: 'scratch.busy', params: { job: busy } }, 'busy');
    this.starting = true;
    try {
      return await this.launch(scratchOptions(request));
    } finally {
      this.starting = false;
    }
  }

  private async launch(options: ScratchOptions): Promise<ScratchStarted> {
    const { train: mnist, test } = await this.load();
    const order = new Int32Array(mnist.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    new Rng(options.seed, 717).shuffle(order);
    const chosen = order.subarray(0, Math.min(options.trainDigits, mnist.count));
    const held = Math.round(VALIDATION_SHARE * chosen.length);
    const validation = subset(mnist, chosen.subarray(0, held));
    let train = subset(mnist, chosen.subarray(held));
    const samples = options.withSamples ? this.options.samples() : [];
    if (samples.length > 0) train = concatDatasets([train, renderSamples(samples, this.options.image28)]);
    const threads = this.options.threads ?? 1;
    const input: ScratchInput = { options, train, validation, epochTest: firstOf(test, EPOCH_TEST_DIGITS), finalTest: test, threads };
    const jobId = `sc-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const started: ScratchStarted = {
      jobId, options, trainCount: train.count, validationCount: validation.count, personalSamples: samples.length,
      stepsPerEpoch: Math.ceil(train.count / Math.max(1, Math.min(options.batchSize, train.count))),
    };
    const emit = this.options.emit ?? (() => undefined);
    const job = startScratchJob(input, {
      onProgress: (p) => emit({ name: 'scratchProgress', payload: { ...p, jobId } }),
      onEpoch: (epoch) => emit({ name: 'scratchEpoch', payload: { jobId, epoch } }),
    });
    const result = (async () => {
      // the job is over (and its successor may start) only once its model is saved and checked
      const finish = (payload: Extract<ScratchEvent, { name: 'scratchFinished' }>['payload']) => {
        this.running = null;
        emit({ name: 'scratchFinished', payload });
      };
      try {
        const outcome = await job.done;
        if (outcome.status === 'cancelled') return finish({ jobId, status: 'cancelled' });
        const spec = scratchSpec(options.arch);
        const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), threads };
        const card = scratchCard({ started, history: outcome.history, test: outcome.test, seconds: outcome.seconds, samplesPerSec: outcome.samplesPerSec, machine, params: totalParams(networkInfo(spec)) });
        const version = await this.options.versions.savePersonal({ spec, weights: outcome.weights, parent: null, card, idStem: 'scratch' });
        const parity = await this.checkParity(version);
        finish({
            jobId, status: 'done',
            result: {
              modelId: version.id, options, trainCount: started.trainCount, validationCount: started.validationCount, personalSamples: started.personalSamples,
              testAccuracy: outcome.test.accuracy, testCount: outcome.test.n, seconds: outcome.seconds, samplesPerSec: outcome.samplesPerSec,
              parityMaxDiff: parity, machine, history: outcome.history,
            },
        });
      } catch (err) {
        finish({ jobId, status: 'failed', message: (err as Error).message });
      }
    })();
    this.running = { started, job, result };
    return started;
  }

  /** ONNX Runtime against the engine on the check inputs; a model that fails it is removed, never listed. */
  private async checkParity(version: ModelVersion): Promise<number> {
    try {
      const report = await verifyModel(version.dir, { bundled: false });
      return report.probabilities;
    } catch (err) {
      await rm(version.dir, { recursive: true, force: true });
      throw new Error(`the trained model failed its check and was not kept: ${(err as Error).message}`);
    }
  }

  async control(jobId: string, action: ScratchAction): Promise<ScratchState> {
    const r = this.requireRunning(jobId);
    return r.job.control(action);
  }

  async probe(jobId: string, input: Float32Array): Promise<ScratchProbe | null> {
    return this.requireRunning(jobId).job.probe(input);
  }

  get started(): ScratchStarted | null {
    return this.running?.started ?? null;
  }

  /** Resolves once the running job (if any) has finished, saved or not. */
  async settled(): Promise<void> {
    await this.running?.result;
  }

  async close(): Promise<void> {
    const r = this.running;
    if (!r) return;
    await r.job.control('cancel');
    await r.result;
  }

  private requireRunning(jobId: string) {
    const r = this.running;
    if (!r || r.started.jobId !== jobId) throw new TrainingError({ code: 'scratch.notRunning', params: { job: jobId } }, 'not-found');
    return r;
  }

  private load(): Promise<{ train: ImageDataset; test: ImageDataset }> {
    this.data ??= Promise.all([loadShippedMnistTrain(this.options.mnistDir), loadShippedMnistTest(this.options.mnistDir)]).then(
      ([train, test]) => ({ train: asImageDataset(train), test: asImageDataset(test) }),
      (err: unknown) => {
        this.data = null;
        throw new TrainingError(`the shipped MNIST digits cannot be read: ${(err as Error).message}`, 'unavailable');
      },
    );
    return this.data;
  }
}

/** meta.json of a model trained from scratch: the card's facts, the full record under `scratch`. */
export function scratchCard(r: {
  started: ScratchStarted; history: readonly ScratchEpoch[]; test: { n: number; accuracy: number; confusion: number[][] };
  seconds: number; samplesPerSec: number; machine: { cpu: string; cores: number; threads: number }; params: number;
}): Record<string, unknown> {
  const o = r.started.options;
  const last = r.history[r.history.length - 1];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const trainedOn = `${r.started.trainCount - r.started.personalSamples} MNIST training digits${r.started.personalSamples > 0 ? ` + ${r.started.personalSamples} of your samples` : ''}`;
  return {
    title: o.arch === 'modern' ? 'Modern LeNet-5 (trained here)' : 'Classic LeNet-5 (trained here)',
    description: `Trained from scratch in the app on ${trainedOn}, ${o.epochs} epoch(s); MNIST test ${pct(r.test.accuracy)}`,
    parameters: r.params,
    epochs: o.epochs,
    trainingSeconds: Math.round(r.seconds),
    trainedOn,
    testAccuracy: r.test.accuracy,
    validationAccuracy: last?.validationAccuracy ?? null,
    i18n: {
      'zh-CN': {
        title: o.arch === 'modern' ? '现代 LeNet-5（在应用里从头训练）' : '经典 LeNet-5（在应用里从头训练）',
        description: `在应用里从头训练：${r.started.trainCount - r.started.personalSamples} 个 MNIST 训练数字${r.started.personalSamples > 0 ? `，加上你的 ${r.started.personalSamples} 个样本` : ''}，${o.epochs} 轮；MNIST 测试准确率 ${pct(r.test.accuracy)}`,
        trainedOn: `${r.started.trainCount - r.started.personalSamples} 个 MNIST 训练数字${r.started.personalSamples > 0 ? ` + 你的 ${r.started.personalSamples} 个样本` : ''}`,
      },
    },
    recipeSummary: `Adam, learning rate ${o.learningRate} (cosine to 1%, warm-up), batch ${o.batchSize}, weight decay ${SCRATCH_WEIGHT_DECAY}, ${o.augment ? 'distortions on' : 'no distortions'}, seed ${o.seed}`,
    machine: r.machine,
    scratch: {
      options: o,
      recipe: { optimizer: 'adam', learningRate: scratchSchedule(o, r.started.stepsPerEpoch * o.epochs), weightDecay: SCRATCH_WEIGHT_DECAY, initialisation: 'He normal (ReLU layers), LeCun normal (others), seeded' },
      data: {
        train: `${SHIPPED_MNIST_TRAIN.images}: ${r.started.trainCount - r.started.personalSamples} digits drawn with the seed`,
        validation: `${r.started.validationCount} digits held out from the drawn MNIST training digits`,
        personalSamples: r.started.personalSamples,
        epochTest: `the first ${EPOCH_TEST_DIGITS} digits of ${SHIPPED_MNIST_TEST.images}`,
        test: `${SHIPPED_MNIST_TEST.images}: ${r.test.n} digits`,
      },
      test: r.test,
      history: r.history,
      seconds: r.seconds,
      samplesPerSec: r.samplesPerSec,
    },
  };
}
