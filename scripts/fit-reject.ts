import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitWriters, type LabelledInk } from '../main/data/inks.ts';
import { REJECT_FILE } from '../main/model-folder/folder.ts';
import {
  baselineScore, DEFAULT_DEGENERATE_LIMITS, DEFAULT_HEAD_RECIPE, degenerateInk, featureCount, inkShape, nonDigitFeatures, REJECT_FORMAT, REJECT_VERSION,
  thresholdForRate, trainRejectHead, type RejectHeadFile,
} from '../main/nondigit/index.ts';
import { ModelRuntime } from '../main/runtime/index.ts';
import { Rng } from '../main/engine/rng.ts';
import type { Ink } from '../main/ink/types.ts';

/** A random affine distortion of an ink's strokes: rotation ±15°, shear ±0.3, aspect ±20%. */
function distortInk(ink: Ink, rng: Rng): Ink {
  const a = (rng.uniform(-15, 15) * Math.PI) / 180, sh = rng.uniform(-0.3, 0.3), k = Math.exp(rng.uniform(-0.2, 0.2));
  const c = Math.cos(a), s = Math.sin(a);
  return { strokes: ink.strokes.map((st) => st.map((p) => { const x = p[0] * k + sh * p[1], y = p[1] / k; return [c * x - s * y, s * x + c * y] as [number, number]; })) };
}
import { takeLists, trainingWriters } from './eval/common.ts';
import { readJudgedInks, runPass } from './eval/nondigit-data.ts';

const HELP = `usage: npx tsx scripts/fit-reject.ts MODEL_DIR... --digits FILE.jsonl... --nondigits FILE.jsonl... [--rate R] [--seed S]

Fits each model folder's not-a-digit reject head (reject.json) with the engine, on the writers the
model's card lists as training writers only: their digits (class "digit") and their letters and symbols
minus the look-alikes (class "not a digit"). A quarter of those writers (per institution, seeded) is kept
out of the head's training to set its threshold (and the baselines') so that at most R of their digits
are flagged (default 0.005). Held-out writers are never read. Re-seal the folder afterwards:
npm run seal-model -- MODEL_DIR...`;

const { lists, rest } = takeLists(process.argv.slice(2), ['digits', 'nondigits']);
const { values: options, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    rate: { type: 'string', default: '0.005' }, copies: { type: 'string', default: '2' }, seed: { type: 'string', default: '1' }, help: { type: 'boolean', default: false },
  },
});
const values = { ...options, ...lists };
if (values.help || positionals.length === 0 || values.digits.length === 0 || values.nondigits.length === 0) {
  console.log(HELP);
  process.exit(values.help ? 0 : 2);
}
const rate = Number(values.rate);
const copies = Number(values.copies);
const seed = Number(values.seed);
const { inks: all, lookAlikes } = await readJudgedInks(values.digits, values.nondigits);

for (const dir of positionals.map((d) => resolve(d))) {
  const started = performance.now();
  const runtime = await ModelRuntime.load(dir);
  const train = trainingWriters(runtime.info.card);
  const real = all.filter((s) => train.has(s.writer));
  // Distorted copies of every digit stand for writers the CNN never saw (its training writers' own
  // digits read more confidently than a stranger's would)
  const rng = new Rng(seed, 11);
  const inks = [...real, ...real.flatMap((s) => (s.digit === null ? [] : Array.from({ length: copies }, () => ({ ...s, ink: distortInk(s.ink, rng), augmented: true }))))];
  // validation writers: a quarter of the training writers, per institution
  const asLabelled = [...new Set(inks.map((s) => s.writer))].map((w) => ({ writer: w, institution: w.split('/')[0] }) as LabelledInk);
  const { heldOut: validation } = splitWriters(asLabelled, 0.25, seed);
  const pass = await runPass(runtime, inks);
  const spec = runtime.spec;
  const fit: number[] = [], val: number[] = [];
  const shapes = inks.map((s) => inkShape(s.ink));
  // degenerate-ink limits: the defaults, widened if a training writer's digit came near them
  const digitShapes = shapes.filter((_, i) => inks[i].digit !== null);
  const maxTort = Math.max(...digitShapes.map((s) => s.tortuosity)), maxStrokes = Math.max(...digitShapes.map((s) => s.strokes));
  const degenerate = { ...DEFAULT_DEGENERATE_LIMITS, maxTortuosity: Math.max(DEFAULT_DEGENERATE_LIMITS.maxTortuosity, 1.5 * maxTort), maxStrokes: Math.max(DEFAULT_DEGENERATE_LIMITS.maxStrokes, maxStrokes + 2) };
  inks.forEach((s, i) => {
    if (pass[i].empty || degenerateInk(shapes[i], degenerate)) return; // decided before the head
    (validation.has(s.writer) ? val : fit).push(i);
  });
  const dims = featureCount(pass[0].penultimate.length, pass[0].scores.length);
  const features = (i: number) => nonDigitFeatures({ penultimate: pass[i].penultimate, scores: pass[i].scores, head: spec.head, rbfScale: spec.rbfScale, shape: shapes[i] });
  const x = new Float32Array(fit.length * dims);
  const y = new Uint8Array(fit.length);
  fit.forEach((i, r) => {
    x.set(features(i), r * dims);
    y[r] = inks[i].digit === null ? 1 : 0;
  });
  const head = trainRejectHead(x, y, { seed });
  const valDigits = val.filter((i) => inks[i].digit !== null), valOthers = val.filter((i) => inks[i].digit === null);
  const headScore = (i: number) => head.score(features(i));
  const threshold = thresholdForRate(valDigits.map(headScore), rate);
  const signals = spec.head === 'rbf' ? (['max-softmax', 'energy', 'rbf-distance'] as const) : (['max-softmax', 'energy'] as const);
  const baselines: Record<string, number> = {};
  const figures: Record<string, { flaggedDigits: number; flaggedNonDigits: number }> = {};
  const share = (list: number[], score: (i: number) => number, t: number) => list.filter((i) => score(i) >= t).length / Math.max(1, list.length);
  for (const signal of signals) {
    const score = (i: number) => baselineScore(signal, { spec, scores: pass[i].scores });
    baselines[signal] = thresholdForRate(valDigits.map(score), rate);
    figures[signal] = { flaggedDigits: share(valDigits, score, baselines[signal]), flaggedNonDigits: share(valOthers, score, baselines[signal]) };
  }
  figures['reject-head'] = { flaggedDigits: share(valDigits, headScore, threshold), flaggedNonDigits: share(valOthers, headScore, threshold) };
  const seconds = (performance.now() - started) / 1000;
  const file: RejectHeadFile = {
    format: REJECT_FORMAT, version: REJECT_VERSION, mean: head.mean, std: head.std, network: head.network, threshold, degenerate, baselines,
    card: {
      what: 'not-a-digit reject head: dense(32, ReLU) -> dense(2) softmax over F6, the ten scores, their max probability, log-sum-exp, top score and margin, and three stroke figures (count, log tortuosity, log aspect)',
      recipe: { ...DEFAULT_HEAD_RECIPE, seed, optimizer: 'Adam, cosine decay to 1%', batches: 'half digits, half non-digits', loss: 'softmax cross-entropy', thresholdRate: rate, distortedDigitCopies: copies, distortion: 'rotation ±15°, shear ±0.3, aspect ±20% of the strokes' },
      data: {
        dataset: 'UNIPEN train_r01_v07 sections 1a (digits) and 1b/1c/1d (letters, symbols), ../shared/data/unipen-dev and unipen-nondigit-dev; UNIPEN Consortium (1999), doi:10.5281/zenodo.1195803, CC BY 4.0',
        writers: `the ${train.size} training writers of the model's card only; ${validation.size} of them (a quarter per institution, seed ${seed}) set the thresholds`,
        fitInks: { digits: y.length - y.reduce((a, b) => a + b, 0), nonDigits: y.reduce((a, b) => a + b, 0) },
        validationInks: { digits: valDigits.length, nonDigits: valOthers.length },
        lookAlikesLeftOut: lookAlikes,
      },
      degenerateLimits: { ...degenerate, trainingDigitsMaxTortuosity: maxTort, trainingDigitsMaxStrokes: maxStrokes },
      validation: figures,
      seconds,
      createdAt: new Date().toISOString(),
    },
  };
  await writeFile(join(dir, REJECT_FILE), `${JSON.stringify(file)}\n`);
  console.log(`${dir}: ${REJECT_FILE} written in ${seconds.toFixed(1)} s (fit on ${fit.length} inks, threshold ${threshold.toFixed(4)} on ${val.length} validation inks)`);
  for (const [k, f] of Object.entries(figures)) console.log(`  validation ${k.padEnd(13)} flaggedDigits ${(100 * f.flaggedDigits).toFixed(2)}%  flaggedNonDigits ${(100 * f.flaggedNonDigits).toFixed(2)}%`);
  await runtime.release();
}
