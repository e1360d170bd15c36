import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readInkFile } from '../../main/data/inks.ts';
import { buildNetwork, MODERN_LENET5 } from '../../main/engine/index.ts';
import { preprocessInk } from '../../main/ink/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';
import { loadReplay } from '../../main/training/index.ts';
import { run, splitWriter } from '../../scripts/eval/personalize.ts';

const SYN = join(import.meta.dirname, '../../../shared/data/unipen-dev/syn.jsonl');
const REPLAY = join(import.meta.dirname, '../../native-models/replay-mnist.bin');

let work: string;
let dataFile: string;
let modelDir: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'personalize-'));
  // one writer with 5 of each digit (50), one with 3 of each (30: below --min-digits 40)
  const lines = (await readFile(SYN, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const pick = (writer: string, per: number) => Array.from({ length: 10 }, (_, d) => lines.filter((r) => r.writer === writer && r.label === d).slice(0, per)).flat();
  const chosen = [...pick('syn/rcw-dig15', 5), ...pick('syn/sjb-dig20', 3)];
  dataFile = join(work, 'two-writers.jsonl');
  await writeFile(dataFile, chosen.map((r) => JSON.stringify(r)).join('\n'));
  modelDir = join(work, 'models', 'modern');
  await writeModelFolder(modelDir, { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 4 }).getWeights(), meta: { title: 'random' } });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function capture(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(args), out };
  } finally {
    log.mockRestore();
    err.mockRestore();
    stderr.mockRestore();
  }
}

describe('npm run eval -- personalize', () => {
  it('splits a writer into K per digit to train on and the rest to test, the same way every time', async () => {
    const inks = (await readInkFile(dataFile)).inks.filter((s) => s.writer === 'syn/rcw-dig15');
    const a = splitWriter('syn/rcw-dig15', inks, 2);
    expect(a.train).toHaveLength(20);
    expect(a.test).toHaveLength(30);
    expect(Array.from({ length: 10 }, (_, d) => a.train.filter((s) => s.label === d).length)).toEqual(new Array(10).fill(2));
    expect(new Set([...a.train, ...a.test].map((s) => s.source)).size).toBe(50);
    expect(splitWriter('syn/rcw-dig15', inks, 2).train.map((s) => s.source)).toEqual(a.train.map((s) => s.source));
    // seed 1 is the draw above; another seed draws other samples, still K per digit
    expect(splitWriter('syn/rcw-dig15', inks, 2, 1).train.map((s) => s.source)).toEqual(a.train.map((s) => s.source));
    const b = splitWriter('syn/rcw-dig15', inks, 2, 2);
    expect(Array.from({ length: 10 }, (_, d) => b.train.filter((s) => s.label === d).length)).toEqual(new Array(10).fill(2));
    expect(b.train.map((s) => s.source)).not.toEqual(a.train.map((s) => s.source));
  });

  it('runs methods x K x seeds side by side on the same draws, on held-out writers unless asked otherwise', async () => {
    const { code, out } = await capture([dataFile, '--per-class', '2,3', '--seeds', '2', '--methods', 'prototype,replay-blend', '--min-digits', '40',
      '--model', modelDir, '--mnist', 'subset', '--epochs', '0', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out.at(-1)!);
    expect(json).toMatchObject({ perClass: [2, 3], seeds: [2], methods: ['prototype', 'replay-blend'], heldOutOnly: true });
    // K outer, then seeds, then methods
    expect(json.runs.map((r: { method: string; k: number; seed: number }) => `${r.method}/${r.k}/${r.seed}`)).toEqual(['prototype/2/2', 'replay-blend/2/2', 'prototype/3/2', 'replay-blend/3/2']);
    for (const r of json.runs) {
      const w = r.writers[0];
      expect(w.trainDigits).toBe(10 * r.k);
      expect(r.recipe).toMatchObject({ epochs: 0, seed: r.seed, heldOutFraction: 0, prototypes: r.method === 'prototype' ? 0.3 : 0 });
      // no epochs: replay-blend leaves the model as it was, on the writer's digits and on MNIST
      if (r.method === 'replay-blend') expect([w.after, w.mnistAfter]).toEqual([w.before, w.mnistBefore]);
      // one writer: pooled and per-writer errors removed are the same ratio, from the accuracies
      if (w.before < 1) {
        const removed = (Math.round((1 - w.before) * w.testDigits) - Math.round((1 - w.after) * w.testDigits)) / Math.round((1 - w.before) * w.testDigits);
        expect(r.errorsRemovedPooled).toBeCloseTo(removed, 12);
        expect(r.errorsRemovedPerWriter).toBeCloseTo((w.after - w.before) / (1 - w.before), 12);
      }
      expect(r.mnistChange).toBeCloseTo(w.mnistAfter - w.mnistBefore, 12);
    }
    // both methods start from the same draw: same "before"
    expect(json.runs[0].writers[0].before).toBe(json.runs[1].writers[0].before);
    expect(json.summary.map((m: { method: string; k: number; runs: number }) => `${m.method}/${m.k}/${m.runs}`)).toEqual(['prototype/2/1', 'prototype/3/1', 'replay-blend/2/1', 'replay-blend/3/1']);
    const pooled = (runs: { writers: { before: number; after: number; testDigits: number }[] }[]) => {
      const e = (a: number, n: number) => Math.round((1 - a) * n);
      const ws = runs.flatMap((r) => r.writers);
      const b = ws.reduce((a, w) => a + e(w.before, w.testDigits), 0);
      return (b - ws.reduce((a, w) => a + e(w.after, w.testDigits), 0)) / b;
    };
    expect(json.summary[0].errorsRemovedPooled).toBeCloseTo(pooled(json.runs.filter((r: { method: string; k: number }) => r.method === 'prototype' && r.k === 2)), 12);
    expect(json).toMatchObject({ k: 2, before: json.summary[0].before, errorsRemovedPooled: json.summary[0].errorsRemovedPooled });

    // a model whose card lists the writer as trained on: no writer left to measure
    const seen = join(work, 'models', 'seen');
    await writeModelFolder(seen, { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 4 }).getWeights(), meta: { title: 'saw rcw', data: { inks: { trainWriters: ['syn/rcw-dig15'] } } } });
    expect((await capture([dataFile, '--per-class', '2', '--min-digits', '40', '--model', seen, '--mnist', 'subset', '--methods', 'prototype'])).code).toBe(1);
  }, 900_000);

  it('fine-tunes per writer with enough digits and reports before/after on their other digits and on MNIST', async () => {
    const { code, out } = await capture([dataFile, '--per-class', '2', '--min-digits', '40', '--model', modelDir, '--mnist', 'subset', '--epochs', '1', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out.at(-1)!);
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0].writers.map((w: { writer: string }) => w.writer)).toEqual(['syn/rcw-dig15']);
    const w = json.runs[0].writers[0];
    expect(w).toMatchObject({ trainDigits: 20, testDigits: 30, inBaseTraining: false });
    expect(json.mnistSet).toMatch(/subset.*2000 digits/);
    expect(json.runs[0]).toMatchObject({ method: 'app', k: 2, seed: 1 });
    expect(json.runs[0].recipe).toMatchObject({ epochs: 1, heldOutFraction: 0 });

    // "before" recomputed here from the ink pipeline and ONNX Runtime, outside the script
    const inks = (await readInkFile(dataFile)).inks.filter((s) => s.writer === 'syn/rcw-dig15');
    const { test } = splitWriter('syn/rcw-dig15', inks, 2);
    const rt = await ModelRuntime.load(modelDir);
    let correct = 0;
    for (const s of test) {
      const p = await rt.classify(preprocessInk(s.ink).image28, 1);
      if (Array.from(p).indexOf(Math.max(...p)) === s.label) correct++;
    }
    const replay = await loadReplay(REPLAY);
    const mnist = new Float32Array(replay.test.count * 784);
    for (let i = 0; i < mnist.length; i++) mnist[i] = replay.test.images[i] / 255;
    const p = await rt.classify(mnist, replay.test.count);
    let mnistCorrect = 0;
    for (let i = 0; i < replay.test.count; i++) {
      const row = Array.from(p.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === replay.test.labels[i]) mnistCorrect++;
    }
    await rt.release();
    expect(w.before).toBeCloseTo(correct / 30, 12);
    expect(w.mnistBefore).toBeCloseTo(mnistCorrect / replay.test.count, 12);
    expect(json.before).toBe(w.before);
    expect(json.mnistAfter).toBe(w.mnistAfter);
    expect(w.after).toBeGreaterThanOrEqual(0);
    expect(w.fineTuneSec).toBeGreaterThan(0);
  });

  it('says what is wrong with its arguments', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture([dataFile])).code).toBe(2);
    expect((await capture([dataFile, '--per-class', '2', '--mnist', 'half'])).code).toBe(2);
    expect((await capture([dataFile, '--per-class', '2', '--methods', 'magic'])).code).toBe(2);
    expect((await capture([dataFile, '--per-class', '2,x'])).code).toBe(2);
    expect((await capture([dataFile, '--per-class', '2', '--min-digits', '40', '--layers', 'Z9', '--model', modelDir])).code).toBe(2);
    expect((await capture([dataFile, '--per-class', '2', '--min-digits', '500', '--model', modelDir])).code).toBe(1);
  });
});
