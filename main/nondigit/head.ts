import { Network } from '../engine/network.ts';
import { Optimizer, decayMask, learningRate } from '../engine/optim.ts';
import { Rng } from '../engine/rng.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import { weightsFromFile, weightsToFile, type WeightsFile } from '../engine/weights.ts';
import { DEFAULT_DEGENERATE_LIMITS, type DegenerateLimits } from './degenerate.ts';
import { LAYOUT_V1, type FeatureLayout } from './features.ts';

export const REJECT_FORMAT = 'lenet-studio.reject-head';
/** Version 2 names what the head reads (`features`); a version 1 file reads LAYOUT_V1. */
export const REJECT_VERSION = 2;

/**
 * A model folder's reject head (reject.json): a small network trained by the engine on the features the
 * predict pass already has (see features.ts), saying "digit" (class 0) or "not a digit" (class 1).
 */
export interface RejectHeadFile {
  readonly format: typeof REJECT_FORMAT;
  readonly version: 1 | typeof REJECT_VERSION;
  /** What the head reads, in order (version 2; version 1 heads read LAYOUT_V1). */
  readonly features: FeatureLayout;
  /** Standardization of the features: x' = (x - mean) / std. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** The head's engine network and weights. */
  readonly network: WeightsFile;
  /**
   * An ink is not a digit when its score >= threshold. Version 2 scores are the head's log-odds of "not
   * a digit" (logit difference: unlike a float32 probability it does not saturate at 1, so thresholds
   * far into the tail stay distinct); version 1 scores are P(not a digit).
   */
  readonly threshold: number;
  readonly degenerate: DegenerateLimits;
  /** Thresholds of the single-number baselines, set the same way (for the eval's comparison). */
  readonly baselines: Readonly<Partial<Record<'max-softmax' | 'energy' | 'rbf-distance', number>>>;
  /** How it was made and measured: recipe, data, figures. */
  readonly card: Readonly<Record<string, unknown>>;
}

/** A reject head ready to score: its network built once. */
export interface RejectHead {
  readonly file: RejectHeadFile;
  /** The score of one feature vector (log-odds of "not a digit"; a version 1 head: its probability). */
  score(features: Float32Array): number;
}

export function rejectHeadFromFile(json: unknown): RejectHead {
  const f = json as Partial<RejectHeadFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== REJECT_FORMAT) throw new Error(`not a reject head (format must be ${JSON.stringify(REJECT_FORMAT)})`);
  if (f.version !== 1 && f.version !== REJECT_VERSION) throw new Error(`reject head version ${JSON.stringify(f.version)} is not supported`);
  const features = f.version === 1 ? LAYOUT_V1 : f.features;
  if (!features || !Array.isArray(features.layers) || !features.layers.every((l) => typeof l === 'string') || typeof features.summaries !== 'boolean' || (features.strokes !== 'basic' && features.strokes !== 'rich')) {
    throw new Error('the head does not say which features it reads (features: layers, summaries, strokes)');
  }
  const { spec, weights } = weightsFromFile(f.network);
  const n = spec.input.channels * spec.input.height * spec.input.width;
  if (!Array.isArray(f.mean) || !Array.isArray(f.std) || f.mean.length !== n || f.std.length !== n) throw new Error(`the head reads ${n} features but its standardization has ${f.mean?.length} and ${f.std?.length}`);
  if (typeof f.threshold !== 'number' || !Number.isFinite(f.threshold) || (f.version === 1 && !(f.threshold >= 0 && f.threshold <= 1))) throw new Error('the threshold must be a finite number (in [0, 1] for a version 1 head)');
  const net = new Network(spec, { seed: 0 });
  net.setWeights(weights);
  const file = { ...f, features, degenerate: { ...DEFAULT_DEGENERATE_LIMITS, ...f.degenerate }, baselines: f.baselines ?? {}, card: f.card ?? {} } as RejectHeadFile;
  return { file, score: scorer(net, file.mean, file.std, f.version === 1 ? 'probability' : 'log-odds') };
}

function scorer(net: Network, mean: readonly number[], std: readonly number[], kind: 'log-odds' | 'probability'): (features: Float32Array) => number {
  const x = new Float32Array(mean.length);
  const out = new Float32Array(2);
  return (features) => {
    if (features.length !== mean.length) throw new Error(`reject head: ${features.length} features given, it reads ${mean.length}`);
    for (let i = 0; i < x.length; i++) x[i] = (features[i] - mean[i]) / std[i];
    if (kind === 'probability') {
      net.predictInto(x, 1, out);
      return out[1];
    }
    const logits = net.forward(x, 1).scores;
    return logits[1] - logits[0];
  };
}

export interface TrainHeadOptions {
  /** Units of each hidden layer (ReLU). */
  readonly hidden?: number | readonly number[];
  readonly epochs?: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
}

export const DEFAULT_HEAD_RECIPE = { hidden: 32, epochs: 30, batch: 128, lr: 3e-3, weightDecay: 1e-4, seed: 1 } as const;

/**
 * Trains a head on `count` feature vectors (row after row in `x`), label 0 = digit, 1 = not a digit,
 * with the engine: dense -> ReLU -> dense(2), softmax cross-entropy, Adam with cosine decay, each batch
 * drawn half from each class so the smaller class weighs as much. Returns the network, the
 * standardization and a scorer (log-odds of "not a digit", as a version 2 file scores).
 */
export function trainRejectHead(x: Float32Array, labels: Uint8Array, options: TrainHeadOptions = {}): { network: WeightsFile; mean: number[]; std: number[]; score: (f: Float32Array) => number } {
  const o = { ...DEFAULT_HEAD_RECIPE, ...options };
  const count = labels.length;
  const dims = x.length / count;
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`trainRejectHead: ${x.length} values do not split into ${count} rows`);
  const mean = new Array<number>(dims).fill(0), std = new Array<number>(dims).fill(0);
  for (let r = 0; r < count; r++) for (let j = 0; j < dims; j++) mean[j] += x[r * dims + j] / count;
  for (let r = 0; r < count; r++) for (let j = 0; j < dims; j++) std[j] += (x[r * dims + j] - mean[j]) ** 2 / count;
  for (let j = 0; j < dims; j++) std[j] = Math.sqrt(std[j]) + 1e-6;
  const z = new Float32Array(x.length);
  for (let r = 0; r < count; r++) for (let j = 0; j < dims; j++) z[r * dims + j] = (x[r * dims + j] - mean[j]) / std[j];

  const hidden = typeof o.hidden === 'number' ? [o.hidden] : [...o.hidden];
  const spec: NetworkSpec = {
    arch: 'reject-head',
    input: { channels: dims, height: 1, width: 1 },
    head: 'softmax',
    layers: [
      ...hidden.map((units, k) => ({ kind: 'dense' as const, name: `H${k + 1}`, units, activation: 'relu' as const })),
      { kind: 'dense', name: `H${hidden.length + 1}`, units: 2 },
    ],
  };
  const net = new Network(spec, { seed: o.seed });
  const opt = new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, o.weightDecay, decayMask(net.params, net.paramData.length), new Float32Array(net.paramData.length).fill(1));
  const byClass = [0, 1].map((c) => Int32Array.from([...labels.keys()].filter((i) => labels[i] === c)));
  if (byClass[0].length === 0 || byClass[1].length === 0) throw new Error('trainRejectHead: needs examples of both classes');
  const rng = new Rng(o.seed, 7);
  const stepsPerEpoch = Math.ceil(count / o.batch);
  const total = stepsPerEpoch * o.epochs;
  const xb = new Float32Array(o.batch * dims);
  const yb = new Uint8Array(o.batch);
  for (let step = 0; step < total; step++) {
    for (let k = 0; k < o.batch; k++) {
      const c = k % 2;
      const row = byClass[c][rng.int(byClass[c].length)];
      xb.set(z.subarray(row * dims, (row + 1) * dims), k * dims);
      yb[k] = c;
    }
    net.gradData.fill(0);
    net.accumulateGradients(xb, yb, 0, o.batch, 1 / o.batch);
    opt.step(net.paramData, net.gradData, learningRate({ base: o.lr, schedule: { kind: 'cosine', minFactor: 0.01 } }, step, total, stepsPerEpoch));
  }
  const network = weightsToFile(spec, net.getWeights());
  return { network, mean, std, score: scorer(net, mean, std, 'log-odds') };
}

/**
 * The threshold that flags at most `rate` of the digits' scores (higher = less like a digit): the
 * smallest value above all but floor(rate * n) of them.
 */
export function thresholdForRate(digitScores: readonly number[], rate: number): number {
  const sorted = [...digitScores].sort((a, b) => b - a);
  const allowed = Math.floor(rate * sorted.length);
  const above = sorted[allowed] ?? -Infinity;
  return nextUp(above);
}

function nextUp(v: number): number {
  if (!Number.isFinite(v)) return v;
  return v === 0 ? Number.MIN_VALUE : v + Math.abs(v) * 1e-9 + 1e-12;
}
