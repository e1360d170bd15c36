import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, createHandlers, dispatch, PredictResponseSchema, SampleChangeSchema, type HandlerTable } from '../../main/api/index.ts';
import { PersonalInsightSchema } from '../../main/api/personal-schemas.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { DOUBT_WEIGHT, DrawingLog, personalInsight, PRIOR_ERROR_RATE, PRIOR_STRENGTH, UNSURE_BELOW } from '../../main/core/personal-insight.ts';
import { trainingResult } from '../../main/core/training-result.ts';
import { buildNetwork, weightsFromFile, type Evaluation } from '../../main/engine/index.ts';
import { preprocessInk } from '../../main/ink/preprocess.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import { heldOutDigits } from '../../main/training/held-out-digits.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { unipenInks } from './api-fixtures.ts';

/**
 * The personal insight (what the active model is least sure about for this person) against a brute-force
 * count: the engine, run on the ink pipeline's image of every sample, is the independent judge of what
 * the shipped model reads; the need score is recomputed from those counts with the formula written out.
 */
const BUNDLED = join(import.meta.dirname, '../../native-models');
const stored = await unipenInks(200, 'syn.jsonl');
const drawn = await unipenInks(24, 'tos.jsonl');
let dataDir: string;
let core: Core;
let table: HandlerTable;

async function call(channel: string, payload: unknown): Promise<unknown> {
  const result = await dispatch(table, channel, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function engineOf(id: string) {
  const { spec, weights } = weightsFromFile(JSON.parse(await readFile(join(BUNDLED, id, 'weights.json'), 'utf8')));
  const network = buildNetwork(spec);
  network.setWeights(weights);
  return (strokes: (typeof stored)[number]['strokes']) => Array.from(network.forward(Float32Array.from(preprocessInk({ strokes }).image28), 1).probabilities);
}

const argmax = (p: readonly number[]) => p.indexOf(Math.max(...p));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-insight-'));
  const store = await SampleStore.open(samplesDir(dataDir));
  const versions = await ModelVersions.open({ bundledDir: BUNDLED, dataDir, defaultId: 'modern' });
  core = await createCore({
    roots: [{ dir: BUNDLED, bundled: true }, { dir: join(dataDir, 'models'), bundled: false }],
    loadModel: (d) => ModelRuntime.load(d),
    version: '1.0.0', transport: 'web', defaultModelId: 'modern',
    personal: { store, versions, replay: { train: { count: 0, height: 28, width: 28, images: new Uint8Array(0), labels: new Uint8Array(0) }, test: { count: 0, height: 28, width: 28, images: new Uint8Array(0), labels: new Uint8Array(0) } } },
  });
  table = createHandlers(core);
  for (const ink of stored) SampleChangeSchema.parse(await call(CHANNELS.addSample, { ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' }));
}, 60_000);

afterAll(async () => {
  await core?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the personal insight from the samples', () => {
  it('counts per digit the samples, the misread ones and the mean probability of the true digit as the engine does, and ranks by the need score', async () => {
    const insight = PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {}));
    expect(insight).toMatchObject({ modelId: 'modern', samples: 200, drawings: 0 });
    const engine = await engineOf('modern');
    const n = new Array<number>(10).fill(0);
    const errors = new Array<number>(10).fill(0);
    const sumTrue = new Array<number>(10).fill(0);
    const doubt = new Array<number>(10).fill(0);
    const readAs = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (const ink of stored) {
      const p = engine(ink.strokes);
      const read = argmax(p);
      n[ink.label]++;
      sumTrue[ink.label] += p[ink.label];
      if (read !== ink.label) {
        errors[ink.label]++;
        readAs[ink.label][read]++;
      }
      doubt[ink.label] += read !== ink.label ? 1 : 1 - p[ink.label];
    }
    // this writer's samples do give the model trouble: the test is not one of all-zero counts
    expect(errors.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (let d = 0; d < 10; d++) {
      const g = insight.digits[d];
      expect(g.digit).toBe(d);
      expect(g.samples).toBe(n[d]);
      expect(g.errors).toBe(errors[d]);
      if (n[d] === 0) expect(g.meanTrue).toBeNull();
      else expect(g.meanTrue).toBeCloseTo(sumTrue[d] / n[d], 4);
      const most = Math.max(...readAs[d]);
      if (most === 0) expect(g.readAs).toBeNull();
      else expect(g.readAs).toEqual({ digit: readAs[d].indexOf(most), count: most });
      expect(g.need).toBeCloseTo((doubt[d] + PRIOR_ERROR_RATE * PRIOR_STRENGTH) / (n[d] + PRIOR_STRENGTH), 4);
      expect(g.drawn).toEqual({ read: 0, unsure: 0, flagged: 0 });
    }
    expect(insight.digits.reduce((a, g) => a + g.samples, 0)).toBe(200);
    const needs = insight.digits.map((g) => g.need);
    const ranked = [...needs.keys()].sort((a, b) => needs[b] - needs[a]);
    expect(insight.suggestions.map((s) => s.digit)).toEqual(ranked.slice(0, 3));
    for (const s of insight.suggestions) {
      const g = insight.digits[s.digit];
      expect(s).toMatchObject({ write: 3, samples: g.samples, errors: g.errors, readAs: g.readAs?.digit ?? null });
      expect(s.reason).toBe(g.errors > 0 ? 'misread' : g.samples < 5 ? 'few' : 'unsure');
    }
  });

  it('follows a relabel: the sample counts for its new digit, and back', async () => {
    const before = PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {}));
    const list = (await call(CHANNELS.listSamples, {})) as { samples: { id: string; label: number }[] };
    const first = list.samples[0];
    const other = (first.label + 1) % 10;
    await call(CHANNELS.relabelSample, { id: first.id, label: other });
    const after = PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {}));
    expect(after.digits[first.label].samples).toBe(before.digits[first.label].samples - 1);
    expect(after.digits[other].samples).toBe(before.digits[other].samples + 1);
    await call(CHANNELS.relabelSample, { id: first.id, label: first.label });
    expect(PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {})).digits).toEqual(before.digits);
  });
});

describe('the personal insight from what the person draws', () => {
  it('keeps one record per drawing (its live predictions while drawn replace each other), counts unsure ones by their two likeliest digits, and forgets them on a model change', async () => {
    const read = new Array<number>(10).fill(0);
    const unsure = new Array<number>(10).fill(0);
    const flagged = new Array<number>(10).fill(0);
    const doubtful = new Array<number>(10).fill(0);
    for (const ink of drawn) {
      // the drawing in progress: its first stroke alone, then all of it
      if (ink.strokes.length > 1) await call(CHANNELS.predict, { ink: { strokes: ink.strokes.slice(0, 1) } });
      const r = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: ink.strokes } }));
      const p = r.probabilities;
      const top = argmax(p);
      const second = argmax(p.map((v, d) => (d === top ? -1 : v)));
      read[top]++;
      if (r.nonDigit.flagged) flagged[top]++;
      else if (p[top] < UNSURE_BELOW) {
        unsure[top]++;
        doubtful[top]++;
        doubtful[second]++;
      }
    }
    // a prediction of another model than the active one is not the person's drawing under it
    await call(CHANNELS.predict, { ink: { strokes: [[[5, 5], [40, 60]]] }, modelId: 'classic' });
    const insight = PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {}));
    expect(insight.drawings).toBe(drawn.length);
    expect(insight.digits.map((g) => g.drawn)).toEqual(read.map((r, d) => ({ read: r, unsure: unsure[d], flagged: flagged[d] })));
    const engine = await engineOf('modern');
    const n = new Array<number>(10).fill(0);
    const doubt = new Array<number>(10).fill(0);
    for (const ink of stored) {
      const p = engine(ink.strokes);
      n[ink.label]++;
      doubt[ink.label] += argmax(p) !== ink.label ? 1 : 1 - p[ink.label];
    }
    for (let d = 0; d < 10; d++) {
      const extra = DOUBT_WEIGHT * doubtful[d];
      expect(insight.digits[d].need).toBeCloseTo((doubt[d] + extra + PRIOR_ERROR_RATE * PRIOR_STRENGTH) / (n[d] + extra + PRIOR_STRENGTH), 4);
    }

    // a correction of what the active model read is counted for the digit the person said
    const wrong = drawn[0];
    await call(CHANNELS.addSample, { ink: { strokes: wrong.strokes }, label: wrong.label, how: 'corrected', predicted: (wrong.label + 1) % 10, modelId: 'modern' });
    expect(PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {})).digits[wrong.label].corrected).toBe(1);

    await call(CHANNELS.activateModel, { id: 'classic' });
    const classic = PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {}));
    expect(classic).toMatchObject({ modelId: 'classic', drawings: 0, samples: 201 });
    expect(classic.digits.every((g) => g.corrected === 0 && g.drawn.read === 0)).toBe(true);
    await call(CHANNELS.predict, { ink: { strokes: drawn[1].strokes } });
    await call(CHANNELS.activateModel, { id: 'modern' });
    expect(PersonalInsightSchema.parse(await call(CHANNELS.personalInsight, {})).drawings).toBe(0);
  }, 30_000);
});

describe('the need score, worked by hand', () => {
  const p = (top: number, pTop: number, second: number, pSecond = 1 - pTop) => {
    const v = new Array<number>(10).fill(0);
    v[top] = pTop;
    v[second] = pSecond;
    return v;
  };
  it('puts a digit without samples at the prior, a misread digit above it and a sure one below', () => {
    const readings = [
      // 7: two of five read as 1
      ...[0.9, 0.8, 0.7].map((q) => ({ label: 7, probabilities: p(7, q, 1) })),
      { label: 7, probabilities: p(1, 0.6, 7) },
      { label: 7, probabilities: p(1, 0.9, 7) },
      // 0: ten read right with p = 0.99
      ...Array.from({ length: 10 }, () => ({ label: 0, probabilities: p(0, 0.99, 6) })),
    ];
    const insight = personalInsight('m', readings, { drawings: [], corrected: new Array(10).fill(0) });
    // 7: doubt = 0.1 + 0.2 + 0.3 + 1 + 1 = 2.6; need = (2.6 + 0.5) / (5 + 2) = 0.442857
    expect(insight.digits[7]).toMatchObject({ samples: 5, errors: 2, readAs: { digit: 1, count: 2 } });
    expect(insight.digits[7].meanTrue).toBeCloseTo((0.9 + 0.8 + 0.7 + 0.4 + 0.1) / 5, 6);
    expect(insight.digits[7].need).toBeCloseTo(3.1 / 7, 6);
    // 0: doubt = 10 * 0.01; need = 0.6 / 12 = 0.05
    expect(insight.digits[0].need).toBeCloseTo(0.6 / 12, 6);
    expect(insight.digits[3].need).toBeCloseTo(0.25, 6);
    expect(insight.suggestions.map((s) => [s.digit, s.reason])).toEqual([[7, 'misread'], [1, 'few'], [2, 'few']]);
  });

  it('counts an unsure drawing as half a misread sample of each of its two likeliest digits, but not a flagged one', () => {
    const log = new DrawingLog();
    log.observe('other', { strokes: [[[7, 7]]] }, p(5, 0.3, 6, 0.2), false); // forgotten: the next model starts over
    log.observe('m', { strokes: [[[1, 2], [3, 4]]] }, p(4, 0.3, 9, 0.2), false);
    log.observe('m', { strokes: [[[1, 2], [3, 4], [5, 6]]] }, p(4, 0.4, 9, 0.35), false); // the same drawing, one point longer
    log.observe('m', { strokes: [[[8, 8], [9, 9]]] }, p(9, 0.3, 4, 0.1), true);
    const insight = personalInsight('m', [], log.snapshot('m'));
    expect(insight.drawings).toBe(2);
    expect(insight.digits[5].drawn.read).toBe(0);
    expect(insight.digits[4]).toMatchObject({ drawn: { read: 1, unsure: 1, flagged: 0 }, mixedWith: { digit: 9, count: 1 } });
    expect(insight.digits[9]).toMatchObject({ drawn: { read: 1, unsure: 0, flagged: 1 }, mixedWith: { digit: 4, count: 1 } });
    // (0.5 + 0.5) / (0.5 + 2) = 0.4
    expect(insight.digits[4].need).toBeCloseTo(0.4, 6);
    expect(insight.digits[9].need).toBeCloseTo(0.4, 6);
    expect(insight.suggestions[0]).toMatchObject({ digit: 4, reason: 'doubtful', unsure: 1, mixedWith: 9 });
    expect(personalInsight('other', [], log.snapshot('other')).drawings).toBe(0);
  });
});

describe('the per-digit held-out figures of a fine-tune card', () => {
  const evaluation = (confusion: number[][]): Evaluation => {
    const n = confusion.flat().reduce((a, b) => a + b, 0);
    const correct = confusion.reduce((a, row, d) => a + row[d], 0);
    return { n, correct, accuracy: correct / n, meanLoss: 0, confusion };
  };
  it('are the confusion rows and diagonals, sum to the totals, and are left out of cards that do not have them', () => {
    const zero = () => Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    const before = zero();
    const after = zero();
    before[7][1] = 2; before[7][7] = 3; before[4][4] = 4; before[4][9] = 1;
    after[7][7] = 5; after[4][4] = 3; after[4][9] = 2;
    const digits = heldOutDigits(evaluation(before), evaluation(after))!;
    expect(digits.n[7]).toBe(5);
    expect(digits.correctBefore[7]).toBe(3);
    expect(digits.correctAfter[7]).toBe(5);
    expect(digits.n.reduce((a, b) => a + b, 0)).toBe(10);
    expect(digits.correctBefore.reduce((a, b) => a + b, 0)).toBe(evaluation(before).correct);
    expect(digits.correctAfter.reduce((a, b) => a + b, 0)).toBe(evaluation(after).correct);
    expect(heldOutDigits(null, null)).toBeNull();
    const moved = zero();
    moved[7][7] = 10;
    expect(() => heldOutDigits(evaluation(before), evaluation(moved))).toThrow(/differ/);

    const card = {
      baseModel: 'modern', seconds: 3, samples: { train: 40, heldOut: 10 },
      heldOut: { n: 10, before: 0.7, after: 0.8, perDigit: digits },
      mnist: { n: 100, before: 0.99, after: 0.99, source: 'MNIST' },
      recipe: { epochs: 4, trainedLayers: 'all' }, history: [],
    };
    const rows = trainingResult('p1', card)!.heldOut.perDigit!;
    expect(rows[7]).toEqual({ digit: 7, n: 5, correctBefore: 3, correctAfter: 5, before: 0.6, after: 1 });
    expect(rows[0]).toEqual({ digit: 0, n: 0, correctBefore: 0, correctAfter: 0, before: null, after: null });
    const { perDigit: _, ...older } = card.heldOut;
    const old = trainingResult('p0', { ...card, heldOut: older });
    expect(old?.heldOut).toEqual({ n: 10, before: 0.7, after: 0.8 });
    // a damaged per-digit part is left out, the rest of the card still reads
    expect(trainingResult('p2', { ...card, heldOut: { ...older, perDigit: { n: [1], correctBefore: [], correctAfter: [] } } })?.heldOut).toEqual({ n: 10, before: 0.7, after: 0.8 });
  });
});
