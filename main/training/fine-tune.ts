import { concatDatasets } from '../data/inks.ts';
import { subset } from '../data/split.ts';
import {
  buildNetwork, DEFAULT_AUGMENT, evaluateNetwork, Rng, type Evaluation, type ImageDataset, type NetworkSpec, type Tensor, type Weights,
} from '../engine/index.ts';
import { train } from '../parallel/index.ts';
import { trainableLayers, type FineTuneOptions } from './recipe.ts';
import { ewcAnchor, l2spAnchor, addAnchorGradient, type Anchor } from './anchor.ts';
import { buildPrototypes, foldPrototypes, supportsPrototypes } from './prototypes.ts';
import { countsPerDigit } from './personal-data.ts';
import { heldOutDigits, type HeldOutDigits } from './held-out-digits.ts';
import { buildDistillation, distillationHook } from './distill.ts';

/**
 * One fine-tune, start to finish, in the calling thread (the training worker calls it; never the thread
 * serving the UI): measure the base model, train on the person's samples mixed with replay digits,
 * measure again. Writes nothing anywhere; the caller decides what to keep.
 */
export interface FineTuneInput {
  readonly spec: NetworkSpec;
  readonly weights: Weights;
  readonly baseModelId: string;
  /** The person's samples to train on, as 28x28 images from the ink pipeline. */
  readonly train: ImageDataset;
  /** The person's held-out samples (null or empty: none). */
  readonly heldOut: ImageDataset | null;
  /** MNIST digits mixed in so the model keeps what it knew. */
  readonly replay: ImageDataset;
  /** An MNIST test subset, to measure what it kept. */
  readonly mnistTest: ImageDataset | null;
  readonly options: FineTuneOptions;
  /** The base model's accuracy on `mnistTest` when already known (measured by an earlier fine-tune): skips measuring it again. */
  readonly knownMnistBefore?: number;
  /** Words for the card: where the replay digits and the MNIST test subset came from. */
  readonly sources?: { readonly replay?: string; readonly mnistTest?: string };
}

export type FineTunePhase = 'measuring-before' | 'training' | 'measuring-after';

export interface FineTuneProgress {
  readonly phase: FineTunePhase;
  /** 0-based epoch and 1-based step within it (0 outside training). */
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Running means over the epoch so far (training phase), else null. */
  readonly loss: number | null;
  readonly accuracy: number | null;
  /** 0..1 of the whole job. */
  readonly fraction: number;
  readonly elapsedSec: number;
  /** Estimated seconds left; null until there is a basis for it. */
  readonly etaSec: number | null;
}

export interface FineTuneEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  /** Accuracy on the held-out samples after this epoch, when there are any. */
  readonly heldOutAccuracy: number | null;
  readonly seconds: number;
}

export interface Measure {
  readonly n: number;
  readonly before: number | null;
  readonly after: number | null;
  /** confusion[true][predicted], after fine-tuning. */
  readonly confusionAfter: number[][] | null;
}

/** The result card, stored in the personal model's meta.json under `fineTune`. */
export interface FineTuneCard {
  readonly baseModel: string;
  readonly seconds: number;
  readonly samples: { readonly train: number; readonly heldOut: number; readonly trainPerDigit: number[] };
  readonly mix: {
    readonly personalCopies: number; readonly replayDigits: number; readonly imagesPerEpoch: number; readonly replaySource: string;
    /** Replay digits learnt toward the base model's outputs (absent on cards of older versions). */
    readonly distilledDigits?: number;
  };
  /** On the person's held-out samples, with the figures per digit (absent on cards of older versions). */
  readonly heldOut: Measure & { readonly perDigit?: HeldOutDigits | null };
  /** On the MNIST test subset. */
  readonly mnist: Measure & { readonly source: string };
  readonly recipe: FineTuneOptions & { readonly optimizer: 'adam'; readonly schedule: string; readonly trainedLayers: string[] | 'all' };
  readonly history: FineTuneEpoch[];
}

export type FineTuneOutcome =
  | { readonly status: 'done'; readonly weights: Map<string, Tensor>; readonly card: FineTuneCard }
  | { readonly status: 'cancelled' };

export interface FineTuneHooks {
  onProgress?(p: FineTuneProgress): void;
  onEpoch?(e: FineTuneEpoch): void;
  shouldStop?(): boolean;
}

/** How often progress is reported and a cancel request looked at, ms (the cancel budget is one second). */
const PROGRESS_MS = 150;

export async function fineTune(input: FineTuneInput, hooks: FineTuneHooks = {}): Promise<FineTuneOutcome> {
  const { spec, options } = input;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  if (input.train.count === 0) throw new Error('fine-tune: there are no samples to train on');
  const layers = trainableLayers(spec, options.layers);
  const heldOut = input.heldOut && input.heldOut.count > 0 ? input.heldOut : null;
  const mix = buildMix(input.train, input.replay, options);
  const stepsPerEpoch = Math.ceil(mix.data.count / Math.min(options.batchSize, mix.data.count));
  const totalSteps = stepsPerEpoch * options.epochs;
  const report = (p: Omit<FineTuneProgress, 'epochs' | 'stepsPerEpoch' | 'elapsedSec'>) => hooks.onProgress?.({ ...p, epochs: options.epochs, stepsPerEpoch, elapsedSec: elapsed() });
  const stop = () => hooks.shouldStop?.() === true;

  report({ phase: 'measuring-before', epoch: 0, step: 0, loss: null, accuracy: null, fraction: 0, etaSec: null });
  const base = buildNetwork(spec);
  base.setWeights(input.weights);
  const measureStart = performance.now();
  const heldBefore = heldOut ? evaluateNetwork(base, heldOut) : null;
  if (stop()) return { status: 'cancelled' };
  const mnistBefore = !input.mnistTest ? null : input.knownMnistBefore ?? evaluateNetwork(base, input.mnistTest).accuracy;
  const measureSec = (performance.now() - measureStart) / 1000;
  if (stop()) return { status: 'cancelled' };

  const history: FineTuneEpoch[] = [];
  const anchor = makeAnchor(input, layers, mix.replayDigits);
  const distilled = distillDigits(input, mix.replayDigits);
  const distill = distilled ? distillationHook(spec, buildDistillation(spec, input.weights, distilled, options.distillTemperature, options.distill), stepsPerEpoch) : null;
  const onGradient = anchor || distill ? (params: Float32Array, grads: Float32Array) => {
    if (anchor) addAnchorGradient(anchor, params, grads);
    distill?.(params, grads);
  } : undefined;
  const trainStart = performance.now();
  const result = options.epochs === 0 ? { weights: new Map(input.weights), stopped: false } : await train(spec, input.weights, mix.data, heldOut, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    workers: options.threads,
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    lr: { base: options.learningRate, schedule: { kind: 'cosine', minFactor: 0.05 } },
    weightDecay: 0,
    augment: options.augment ? DEFAULT_AUGMENT : null,
    trainableLayers: layers,
    keepBest: false,
  }, {
    progressIntervalMs: PROGRESS_MS,
    shouldStop: stop,
    onGradient,
    onProgress(p) {
      const done = p.epoch * stepsPerEpoch + p.step;
      const perStep = (performance.now() - trainStart) / 1000 / Math.max(1, done);
      const eta = (totalSteps - done) * perStep + measureSec;
      report({ phase: 'training', epoch: p.epoch, step: p.step, loss: p.loss, accuracy: p.accuracy, fraction: done / (totalSteps + 1), etaSec: eta });
    },
    onEpoch(e) {
      const entry: FineTuneEpoch = { epoch: e.epoch, loss: e.trainLoss, accuracy: e.trainAccuracy, heldOutAccuracy: e.validation?.accuracy ?? null, seconds: e.seconds };
      history.push(entry);
      hooks.onEpoch?.(entry);
    },
  });
  if (result.stopped || stop()) return { status: 'cancelled' };

  report({ phase: 'measuring-after', epoch: options.epochs - 1, step: stepsPerEpoch, loss: null, accuracy: null, fraction: totalSteps / (totalSteps + 1), etaSec: measureSec });
  const blended = blendWeights(input.weights, result.weights, options.blend);
  // the classic network's RBF output is no linear layer to fold the correction into: it goes without
  const prototypes = supportsPrototypes(spec) ? options.prototypes : 0;
  const weights = prototypes > 0 ? foldPrototypes(spec, blended, buildPrototypes(spec, blended, input.train), prototypes) : blended;
  assertFinite(weights);
  const tuned = buildNetwork(spec);
  tuned.setWeights(weights);
  const heldAfter = heldOut ? evaluateNetwork(tuned, heldOut) : null;
  const mnistAfter = input.mnistTest ? evaluateNetwork(tuned, input.mnistTest) : null;
  if (stop()) return { status: 'cancelled' };

  const card: FineTuneCard = {
    baseModel: input.baseModelId,
    seconds: elapsed(),
    samples: { train: input.train.count, heldOut: heldOut?.count ?? 0, trainPerDigit: countsPerDigit(input.train.labels) },
    mix: { personalCopies: options.personalRepeat, replayDigits: mix.replayDigits, imagesPerEpoch: mix.data.count, replaySource: input.sources?.replay ?? 'replay set', distilledDigits: distilled?.count ?? 0 },
    heldOut: { ...measure(heldOut?.count ?? 0, heldBefore?.accuracy ?? null, heldAfter), perDigit: heldOutDigits(heldBefore, heldAfter) },
    mnist: { ...measure(input.mnistTest?.count ?? 0, mnistBefore, mnistAfter), source: input.sources?.mnistTest ?? 'MNIST test subset' },
    recipe: { ...options, prototypes, optimizer: 'adam', schedule: 'cosine to 5% of the rate, no warm-up, no weight decay', trainedLayers: layers ?? 'all' },
    history,
  };
  return { status: 'done', weights, card };
}

/** base + blend * (tuned - base), tensor by tensor (blend 1: the fine-tuned weights as they are). */
export function blendWeights(base: Weights, tuned: ReadonlyMap<string, Tensor>, blend: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of tuned) {
    const b = base.get(name);
    if (!b || b.data.length !== t.data.length) throw new Error(`fine-tune: the base model has no parameter ${name} of ${t.data.length} values`);
    if (blend === 1) {
      out.set(name, t);
      continue;
    }
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) data[i] = b.data[i] + blend * (t.data[i] - b.data[i]);
    out.set(name, { shape: t.shape, data });
  }
  return out;
}

/** A diverged fine-tune (an infinite or NaN weight) is an error, never a model that could be saved and activated. */
export function assertFinite(weights: ReadonlyMap<string, Tensor>): void {
  for (const [name, t] of weights) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`fine-tuning diverged: parameter ${name}[${bad}] is ${t.data[bad]}; try a lower learning rate`);
  }
}

function measure(n: number, before: number | null, after: Evaluation | null): Measure {
  return { n, before, after: after?.accuracy ?? null, confusionAfter: after?.confusion ?? null };
}

/** The anchor toward the base weights the recipe asks for (EWC's Fisher measured on replay digits not in the mix first). */
function makeAnchor(input: FineTuneInput, layers: string[] | null, mixed: number): Anchor | null {
  const { options, spec, weights, replay } = input;
  if (options.anchor === 'none' || options.anchorStrength === 0 || options.epochs === 0) return null;
  if (options.anchor === 'l2-sp') return l2spAnchor(spec, weights, layers, options.anchorStrength);
  const order = replayOrder(replay.count, options.seed);
  const n = Math.min(options.fisherDigits, replay.count);
  // the digits after those drawn into the mix where there are enough, else from the start
  const from = mixed + n <= replay.count ? mixed : 0;
  return ewcAnchor(spec, weights, layers, options.anchorStrength, subset(replay, order.subarray(from, from + n)));
}

/** The replay digits to distill: distillPerSample per personal sample, drawn after those in the mix where there are enough. */
function distillDigits(input: FineTuneInput, mixed: number): ImageDataset | null {
  const { options, replay } = input;
  if (options.distill === 0 || options.epochs === 0 || replay.count === 0) return null;
  const n = Math.min(replay.count, Math.round(options.distillPerSample * input.train.count));
  if (n === 0) return null;
  const from = mixed + n <= replay.count ? mixed : 0;
  return subset(replay, replayOrder(replay.count, options.seed).subarray(from, from + n));
}

function replayOrder(count: number, seed: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Rng(seed, 313).shuffle(order);
  return order;
}

/** The epoch's images: each personal sample `personalRepeat` times, plus a seeded draw of replay digits. */
export function buildMix(personal: ImageDataset, replay: ImageDataset, options: FineTuneOptions): { data: ImageDataset; replayDigits: number } {
  const wanted = Math.min(replay.count, Math.round(options.replayPerSample * personal.count));
  if (wanted === 0) return { data: concatDatasets([personal], [options.personalRepeat]), replayDigits: 0 };
  const drawn = subset(replay, replayOrder(replay.count, options.seed).subarray(0, wanted));
  return { data: concatDatasets([personal, drawn], [options.personalRepeat, 1]), replayDigits: wanted };
}
