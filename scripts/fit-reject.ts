import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REJECT_FILE } from '../main/model-folder/folder.ts';
import {
  baselineScore, DEFAULT_HEAD_RECIPE, REJECT_FORMAT, REJECT_VERSION, STROKE_FIGURES, thresholdForRate, trainRejectHead, type FeatureLayout, type RejectHeadFile,
} from '../main/nondigit/index.ts';
import { ModelRuntime } from '../main/runtime/index.ts';
import { takeLists, trainingWriters } from './eval/common.ts';
import { readJudgedInks } from './eval/nondigit-data.ts';
import { buildCache, layoutColumns } from './reject/cache.ts';
import { recordRejectHeadInCard } from './reject/card.ts';
import { writerFolds } from './reject/folds.ts';

const HELP = `usage: npx tsx scripts/fit-reject.ts MODEL_DIR... --digits FILE.jsonl... --nondigits FILE.jsonl... [options]

Fits each model folder's not-a-digit reject head (reject.json) with the engine, on the writers the
model's card lists as training writers only (held-out writers are never used for any choice):
their digits plus distorted copies (class "digit") against their letters and symbols minus the
look-alikes, distorted copies of those, and synthetic scribbles and shapes (class "not a digit").

The threshold comes from cross-validation over writer groups: the training writers are dealt into
--folds groups (per institution, seeded); a head fitted without one group sets the threshold that
flags --rate of that group's real digits; the shipped head (fitted on all training writers) takes
the mean of those thresholds (the head scores in log-odds). The model card (meta.json) records the
head under rejectHead. Re-seal the folder afterwards: npm run seal-model -- DIR

  --layers L,L,...    layer outputs the head reads (default S4,C5,F6,OUTPUT; any of these)
  --strokes S         rich (default: ${STROKE_FIGURES.length} stroke figures) or basic (count, tortuosity, aspect)
  --hidden N[,N]      hidden layer sizes (default 32)
  --epochs N          (default 30)
  --copies N          distorted copies of each training digit (default 2)
  --nondigit-copies N distorted copies of each training non-digit (default 0)
  --synthetic N       synthetic non-digits (default 3000)
  --folds K           writer groups for the threshold (default 5)
  --rate R            share of real digits each fold's threshold flags (default 0.005)
  --seed S            (default 1)
  --cache PREFIX      keep each model's features in PREFIX-<model>.json/.bin and reuse them
  --out FILE          write the head there instead of MODEL_DIR/reject.json (one model only)
  --cache-only        stop after the features are cached`;

const { lists, rest } = takeLists(process.argv.slice(2), ['digits', 'nondigits']);
const { values: options, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    layers: { type: 'string', default: 'S4,C5,F6,OUTPUT' }, strokes: { type: 'string', default: 'rich' }, hidden: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '30' }, copies: { type: 'string', default: '2' }, 'nondigit-copies': { type: 'string', default: '0' },
    synthetic: { type: 'string', default: '3000' }, folds: { type: 'string', default: '5' }, rate: { type: 'string', default: '0.005' },
    seed: { type: 'string', default: '1' }, cache: { type: 'string' }, out: { type: 'string' }, 'cache-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (options.help || positionals.length === 0 || lists.digits.length === 0 || lists.nondigits.length === 0) {
  console.log(HELP);
  process.exit(options.help ? 0 : 2);
}
if (options.out && positionals.length > 1) {
  console.error('fit-reject: --out takes one model folder');
  process.exit(2);
}
const num = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`fit-reject: --${name} must be a number`);
    process.exit(2);
  }
  return n;
};
const layout: FeatureLayout = { layers: options.layers.split(',').filter(Boolean), summaries: true, strokes: options.strokes === 'basic' ? 'basic' : 'rich' };
const recipe = { ...DEFAULT_HEAD_RECIPE, hidden: options.hidden.split(',').map((h) => num('hidden', h)), epochs: num('epochs', options.epochs), seed: num('seed', options.seed) };
const use = { copies: num('copies', options.copies), nondigitCopies: num('nondigit-copies', options['nondigit-copies']), synthetic: num('synthetic', options.synthetic) };
// the cache holds at least the default copies and synthetic inks, so heads using fewer share it
const cacheOptions = { copies: Math.max(2, use.copies), nondigitCopies: Math.max(1, use.nondigitCopies), synthetic: Math.max(3000, use.synthetic), seed: recipe.seed };
const rate = num('rate', options.rate), folds = num('folds', options.folds);
const { inks: all, lookAlikes } = await readJudgedInks(lists.digits, lists.nondigits);

const share = (scores: readonly number[], t: number) => scores.filter((s) => s >= t).length / Math.max(1, scores.length);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

for (const dir of positionals.map((d) => resolve(d))) {
  const started = performance.now();
  const runtime = await ModelRuntime.load(dir);
  const train = trainingWriters(runtime.info.card);
  const cache = await buildCache(runtime, all, train, cacheOptions, options.cache ? `${options.cache}-${basename(dir)}` : undefined);
  console.log(`${dir}: ${cache.rows.length} inks' features (${cache.dims} each) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (options['cache-only']) {
    await runtime.release();
    continue;
  }
  const cols = layoutColumns(cache, layout);
  let synthetic = 0;
  const usable = (i: number) => {
    const r = cache.rows[i];
    if (r.decided) return false;
    if (r.source === 'synthetic') return synthetic++ < use.synthetic;
    if (!train.has(r.writer)) return false;
    return r.source === 'real' || r.copy < (r.digit === null ? use.nondigitCopies : use.copies);
  };
  const fitRows = cache.rows.map((_, i) => i).filter(usable);
  const fold = writerFolds(cache.rows.map((r) => r.writer), folds, recipe.seed);
  const fitOn = (rows: number[]) => {
    const x = new Float32Array(rows.length * cols.length);
    const y = new Uint8Array(rows.length);
    rows.forEach((i, r) => {
      for (let j = 0; j < cols.length; j++) x[r * cols.length + j] = cache.x[i * cache.dims + cols[j]];
      y[r] = cache.rows[i].digit === null ? 1 : 0;
    });
    return trainRejectHead(x, y, recipe);
  };
  const features = (i: number) => Float32Array.from(cols, (c) => cache.x[i * cache.dims + c]);

  // cross-validation over writer groups: each group's real inks scored by a head that never saw the group
  const cv: { fold: number; digits: number; nonDigits: number; threshold: number; flaggedNonDigits: number; oofDigits: number[]; oofNonDigits: number[] }[] = [];
  for (let k = 0; k < folds; k++) {
    const t0 = performance.now();
    const head = fitOn(fitRows.filter((i) => fold[i] !== k));
    const mine = fitRows.filter((i) => fold[i] === k && cache.rows[i].source === 'real');
    const d = mine.filter((i) => cache.rows[i].digit !== null).map((i) => head.score(features(i)));
    const n = mine.filter((i) => cache.rows[i].digit === null).map((i) => head.score(features(i)));
    const threshold = thresholdForRate(d, rate);
    cv.push({ fold: k, digits: d.length, nonDigits: n.length, threshold, flaggedNonDigits: share(n, threshold), oofDigits: d, oofNonDigits: n });
    console.log(`  fold ${k + 1}/${folds}: ${d.length} digits, ${n.length} non-digits; threshold ${threshold.toFixed(4)} flags ${pct(share(n, threshold))} of the non-digits (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const threshold = cv.reduce((s, f) => s + f.threshold, 0) / cv.length;
  const perFold = cv.map((f) => ({ fold: f.fold, digits: f.digits, nonDigits: f.nonDigits, foldThreshold: f.threshold, flaggedDigits: share(f.oofDigits, threshold), flaggedNonDigits: share(f.oofNonDigits, threshold) }));
  const oofD = cv.flatMap((f) => f.oofDigits), oofN = cv.flatMap((f) => f.oofNonDigits);
  const crossValidated = { threshold, flaggedDigits: share(oofD, threshold), flaggedNonDigits: share(oofN, threshold), perFold };
  console.log(`  cross-validated at the mean threshold ${threshold.toFixed(4)}: flaggedDigits ${pct(crossValidated.flaggedDigits)}, flaggedNonDigits ${pct(crossValidated.flaggedNonDigits)}`);

  const head = fitOn(fitRows);
  // baselines need no fitting: their thresholds flag `rate` of all the training writers' real digits
  const spec = runtime.spec;
  const realTrainDigits = fitRows.filter((i) => cache.rows[i].source === 'real' && cache.rows[i].digit !== null);
  const signals = spec.head === 'rbf' ? (['max-softmax', 'energy', 'rbf-distance'] as const) : (['max-softmax', 'energy'] as const);
  const [s0, s1] = cache.columns.OUTPUT;
  const baselines: Record<string, number> = {};
  for (const signal of signals) baselines[signal] = thresholdForRate(realTrainDigits.map((i) => baselineScore(signal, { spec, scores: cache.x.subarray(i * cache.dims + s0, i * cache.dims + s1) })), rate);
  const count = (pred: (i: number) => boolean) => fitRows.filter(pred).length;
  const seconds = (performance.now() - started) / 1000;
  const file: RejectHeadFile = {
    format: REJECT_FORMAT, version: REJECT_VERSION, features: layout, mean: head.mean, std: head.std, network: head.network, threshold, degenerate: cache.degenerate, baselines,
    card: {
      what: `not-a-digit reject head: ${recipe.hidden.map((h) => `dense(${h}, ReLU)`).join(' -> ')} -> dense(2) softmax over ${layout.layers.join(', ')}, the score summaries (max probability, log-sum-exp, top score, margin) and ${layout.strokes === 'rich' ? `${STROKE_FIGURES.length} stroke figures (${STROKE_FIGURES.join(', ')})` : 'three stroke figures (count, log tortuosity, log aspect)'}`,
      recipe: {
        ...recipe, optimizer: 'Adam, cosine decay to 1%', batches: 'half digits, half non-digits', loss: 'softmax cross-entropy',
        distortedDigitCopies: use.copies, distortedNonDigitCopies: use.nondigitCopies, syntheticNonDigits: use.synthetic,
        distortion: 'rotation ±15°, shear ±0.3, aspect ±20% of the strokes',
        synthetic: 'scribbles, zigzags, spirals, smileys, hash signs, stars, crossed boxes (scripts/reject/synthetic.ts), distorted',
        threshold: `mean of ${folds} writer-group folds' thresholds (log-odds), each flagging ${rate} of its real digits`,
      },
      data: {
        dataset: 'UNIPEN train_r01_v07 sections 1a (digits) and 1b/1c/1d (letters, symbols), ../shared/data/unipen-dev and unipen-nondigit-dev; UNIPEN Consortium (1999), doi:10.5281/zenodo.1195803, CC BY 4.0',
        writers: `the ${train.size} training writers of the model's card only (the held-out writers were used for no choice), in ${folds} writer groups per institution (seed ${recipe.seed}) for the threshold`,
        fitInks: {
          realDigits: count((i) => cache.rows[i].source === 'real' && cache.rows[i].digit !== null),
          digitCopies: count((i) => cache.rows[i].source === 'copy' && cache.rows[i].digit !== null),
          realNonDigits: count((i) => cache.rows[i].source === 'real' && cache.rows[i].digit === null),
          nonDigitCopies: count((i) => cache.rows[i].source === 'copy' && cache.rows[i].digit === null),
          syntheticNonDigits: count((i) => cache.rows[i].source === 'synthetic'),
        },
        lookAlikesLeftOut: lookAlikes,
      },
      degenerateLimits: { ...cache.degenerate, trainingDigitsMaxTortuosity: cache.trainingDigitsMax.tortuosity, trainingDigitsMaxStrokes: cache.trainingDigitsMax.strokes },
      crossValidated,
      seconds,
      createdAt: new Date().toISOString(),
    },
  };
  const out = options.out ? resolve(options.out) : join(dir, REJECT_FILE);
  await writeFile(out, `${JSON.stringify(file)}\n`);
  if (!options.out) await recordRejectHeadInCard(dir);
  console.log(`${dir}: ${out} written in ${seconds.toFixed(0)} s (fit on ${fitRows.length} inks, ${head.network.spec.layers.length} layers)`);
  await runtime.release();
}
