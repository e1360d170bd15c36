import { createHash, randomBytes } from 'node:crypto';
import type { ImageDataset } from '../engine/index.ts';
import { reasonMessage, type Reason } from '../api/error-codes.ts';
import { readModelFolder } from '../model-folder/folder.ts';
import type { ModelVersion, ModelVersions } from '../versions/versions.ts';
import type { FineTuneCard, FineTuneEpoch, FineTuneInput, FineTuneProgress } from './fine-tune.ts';
import { startFineTuneJob, type FineTuneJob } from './job.ts';
import { renderSamples, splitHeldOut, type LabelledSample } from './personal-data.ts';
import { fineTuneOptions, trainableLayers, type FineTuneOptionsInput } from './recipe.ts';
import { loadReplay, REPLAY_FILE, type ReplaySet } from './replay.ts';

/** Fewer samples than this teach the model nothing it can be measured on. */
export const MIN_SAMPLES = 10;

export interface FineTuneRequest {
  /** The model to start from; default: the active one. */
  readonly baseModelId?: string;
  readonly options?: FineTuneOptionsInput;
}

export type FineTuneResult =
  | { readonly status: 'done'; readonly jobId: string; readonly version: ModelVersion; readonly card: FineTuneCard }
  | { readonly status: 'cancelled'; readonly jobId: string };

/** Events for the UI (the core forwards them through the contract). */
export type TrainingEvent =
  | { readonly name: 'trainingProgress'; readonly payload: { readonly jobId: string; readonly progress: FineTuneProgress } }
  | { readonly name: 'trainingEpoch'; readonly payload: { readonly jobId: string; readonly epoch: FineTuneEpoch } }
  | { readonly name: 'trainingFinished'; readonly payload: FineTuneResult }
  | { readonly name: 'trainingFailed'; readonly payload: { readonly jobId: string; readonly message: string } };

export class TrainingError extends Error {
  readonly code: 'bad-request' | 'busy' | 'not-found' | 'unavailable';
  /** Why, as a code the page translates (error-codes.ts). */
  readonly reason?: Reason;
  constructor(what: string | Reason, code: 'bad-request' | 'busy' | 'not-found' | 'unavailable' = 'bad-request') {
    super(typeof what === 'string' ? what : reasonMessage(what));
    this.name = 'TrainingError';
    this.code = code;
    if (typeof what !== 'string') this.reason = what;
  }
}

export interface TrainingServiceOptions {
  readonly versions: ModelVersions;
  /** The person's samples now (the sample store's list()). */
  readonly samples: () => readonly LabelledSample[];
  /** native-models/replay-mnist.bin, or the set already loaded. */
  readonly replay: string | ReplaySet;
  readonly emit?: (event: TrainingEvent) => void;
  /**
   * The 28x28 image (values 0..1) of a sample's ink, from the core's cache: a fine-tune start then renders
   * no ink on the serving thread. Default: each sample is rendered through the ink pipeline.
   */
  readonly image28?: (sample: LabelledSample) => Float32Array;
}

/**
 * Fine-tuning as the app runs it: one job at a time, in a worker thread. Starts from the active model
 * (or a chosen one), holds out part of each digit's samples, trains, and saves the result as a new
 * personal model version (not activated: the person looks at the card and decides). A cancelled or
 * failed job saves nothing.
 */
export class TrainingService {
  private running: { jobId: string; job: FineTuneJob; result: Promise<FineTuneResult> } | null = null;
  private replay: Promise<ReplaySet> | null = null;
  private starting = false;
  /** MNIST-subset accuracy of base models already measured (a model folder never changes once written). */
  private readonly mnistAccuracy = new Map<string, number>();

  constructor(private readonly options: TrainingServiceOptions) {}

  get busy(): boolean {
    return this.running !== null;
  }

  get currentJobId(): string | null {
    return this.running?.jobId ?? null;
  }

  /** Starts a fine-tune; resolves with its id once the worker is running, `result(jobId)` gives the outcome. */
  async start(request: FineTuneRequest = {}): Promise<{ jobId: string; result: Promise<FineTuneResult> }> {
    if (this.running) throw new TrainingError({ code: 'training.busy', params: { job: this.running.jobId } }, 'busy');
    if (this.starting) throw new TrainingError({ code: 'training.starting', params: {} }, 'busy');
    this.starting = true;
    try {
      return await this.launch(request);
    } finally {
      this.starting = false;
    }
  }

  private async launch(request: FineTuneRequest): Promise<{ jobId: string; result: Promise<FineTuneResult> }> {
    let options;
    try {
      options = fineTuneOptions(request.options);
    } catch (err) {
      throw new TrainingError((err as Error).message);
    }
    const samples = this.options.samples();
    if (samples.length < MIN_SAMPLES) throw new TrainingError({ code: 'training.tooFewSamples', params: { min: MIN_SAMPLES, n: samples.length } });
    const versions = this.options.versions;
    const baseId = request.baseModelId ?? (await versions.active()).id;
    const base = await versions.get(baseId);
    const folder = await readModelFolder(base.dir);
    try {
      trainableLayers(folder.spec, options.layers);
    } catch (err) {
      throw new TrainingError((err as Error).message);
    }
    const replay = await this.loadReplay();
    // names the exact subset (its digest), so a figure measured on it is reused only for the same digits
    const subsetName = `${REPLAY_FILE}: ${replay.test.count} MNIST test digits, balanced per digit (${digest(replay.test)})`;
    const { train, heldOut } = splitHeldOut(samples, options.heldOutFraction, options.seed);
    if (train.length === 0) throw new TrainingError({ code: 'training.allHeldOut', params: {} });
    const input: FineTuneInput = {
      spec: folder.spec, weights: folder.weights, baseModelId: baseId,
      train: renderSamples(train, this.options.image28), heldOut: heldOut.length > 0 ? renderSamples(heldOut, this.options.image28) : null,
      replay: replay.train, mnistTest: replay.test, options, knownMnistBefore: this.knownMnistAccuracy(base, subsetName),
      sources: { replay: `${REPLAY_FILE}: ${replay.train.count} MNIST training digits`, mnistTest: subsetName },
    };
    const jobId = `ft-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const emit = this.options.emit ?? (() => undefined);
    const job = startFineTuneJob(input, {
      onProgress: (progress) => emit({ name: 'trainingProgress', payload: { jobId, progress } }),
      onEpoch: (epoch) => emit({ name: 'trainingEpoch', payload: { jobId, epoch } }),
    });
    const result = (async (): Promise<FineTuneResult> => {
      try {
        const outcome = await job.done;
        if (outcome.status === 'cancelled') return { status: 'cancelled', jobId };
        if (outcome.card.mnist.before !== null) this.mnistAccuracy.set(baseId, outcome.card.mnist.before);
        const version = await versions.savePersonal({ spec: folder.spec, weights: outcome.weights, parent: baseId, card: personalCard(base, outcome.card), reject: folder.reject?.file ?? null });
        return { status: 'done', jobId, version, card: outcome.card };
      } finally {
        this.running = null;
      }
    })();
    result.then(
      (r) => emit({ name: 'trainingFinished', payload: r }),
      (err: unknown) => emit({ name: 'trainingFailed', payload: { jobId, message: (err as Error).message } }),
    );
    this.running = { jobId, job, result };
    return { jobId, result };
  }

  /** Stops the running job (if `jobId` is given, only that one); resolves once it has stopped. */
  async cancel(jobId?: string): Promise<void> {
    const r = this.running;
    if (!r || (jobId !== undefined && jobId !== r.jobId)) throw new TrainingError(jobId ? { code: 'training.notRunning', params: { job: jobId } } : 'no fine-tune is running', 'not-found');
    r.job.cancel();
    await r.result.catch(() => undefined);
  }

  /** Measured by an earlier job on this base, or written on a personal model's card (same subset, same engine). */
  private knownMnistAccuracy(base: ModelVersion, subsetName: string): number | undefined {
    const cached = this.mnistAccuracy.get(base.id);
    if (cached !== undefined) return cached;
    const mnist = (base.card.fineTune as { mnist?: { after?: unknown; source?: unknown } } | undefined)?.mnist;
    return !base.bundled && typeof mnist?.after === 'number' && mnist.source === subsetName ? mnist.after : undefined;
  }

  private loadReplay(): Promise<ReplaySet> {
    const source = this.options.replay;
    if (typeof source !== 'string') return Promise.resolve(source);
    this.replay ??= loadReplay(source).catch((err: unknown) => {
      this.replay = null;
      throw new TrainingError((err as Error).message, 'unavailable');
    });
    return this.replay;
  }
}

/** meta.json of a personal model: a title and one line for the model card, the full result under `fineTune`. */
export function personalCard(base: ModelVersion, card: FineTuneCard): Record<string, unknown> {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const parts = [`Fine-tuned from ${base.id} on ${card.samples.train} of your samples`];
  if (card.heldOut.n > 0) parts.push(`your held-out samples ${pct(card.heldOut.before)} -> ${pct(card.heldOut.after)}`);
  if (card.mnist.n > 0) parts.push(`MNIST subset ${pct(card.mnist.before)} -> ${pct(card.mnist.after)}`);
  return {
    title: `Personal (from ${base.id})`,
    description: parts.join('; '),
    epochs: card.recipe.epochs,
    trainingSeconds: Math.round(card.seconds),
    trainedOn: [`${card.samples.train} personal samples`, card.mix.replayDigits > 0 ? `${card.mix.replayDigits} MNIST replay digits` : '', card.mix.distilledDigits ? `${card.mix.distilledDigits} MNIST digits distilled from ${base.id}` : '']
      .filter(Boolean).join(' + '),
    fineTune: card,
  };
}

/** For scripts: the same input the service builds, from images already rendered. */
export function fineTuneInputFrom(args: {
  spec: FineTuneInput['spec']; weights: FineTuneInput['weights']; baseModelId: string; train: ImageDataset; heldOut: ImageDataset | null;
  replay: ReplaySet; mnistTest?: ImageDataset | null; options?: FineTuneOptionsInput;
}): FineTuneInput {
  return {
    spec: args.spec, weights: args.weights, baseModelId: args.baseModelId, train: args.train, heldOut: args.heldOut,
    replay: args.replay.train, mnistTest: args.mnistTest === undefined ? args.replay.test : args.mnistTest, options: fineTuneOptions(args.options),
  };
}

function digest(d: ImageDataset): string {
  return `sha256 ${createHash('sha256').update(d.images).update(d.labels).digest('hex').slice(0, 12)}`;
}
