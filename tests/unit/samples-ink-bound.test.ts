import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boundInk, countPoints, MAX_STORED_INK_POINTS, preprocessInk, type Ink, type InkPoint, type InkStroke } from '../../main/ink/index.ts';
import { ITEMS_DIR, newSampleId, SampleStore, SAMPLE_FORMAT, SAMPLE_VERSION } from '../../main/samples/index.ts';

/** Stored inks are bounded: a dense ink is simplified on its way into the store, its 28x28 image kept. */
const DATA = join(import.meta.dirname, '../../../shared/data/unipen-dev');
const FILES = ['ceb.jsonl', 'ced.jsonl', 'gmd.jsonl', 'imp.jsonl', 'pri.jsonl', 'tos.jsonl'];

async function realInks(perFile: number): Promise<Ink[]> {
  const inks: Ink[] = [];
  for (const f of FILES) {
    const lines = (await readFile(join(DATA, f), 'utf8')).trim().split('\n');
    const step = Math.max(1, Math.floor(lines.length / perFile));
    for (let i = 0; i < lines.length && inks.length < (FILES.indexOf(f) + 1) * perFile; i += step) inks.push({ strokes: (JSON.parse(lines[i]) as { strokes: InkStroke[] }).strokes });
  }
  return inks;
}

/** The same drawing sampled `k` times as densely (points on the segments between the original ones). */
function densified(ink: Ink, k: number): Ink {
  return {
    strokes: ink.strokes.map((s) => {
      const out: InkPoint[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i > 0) for (let j = 1; j < k; j++) out.push([s[i - 1][0] + ((s[i][0] - s[i - 1][0]) * j) / k, s[i - 1][1] + ((s[i][1] - s[i - 1][1]) * j) / k]);
        out.push([s[i][0], s[i][1]]);
      }
      return out;
    }),
  };
}

function imageDiff(a: Ink, b: Ink): { max: number; mean: number } {
  const x = preprocessInk(a).image28;
  const y = preprocessInk(b).image28;
  let max = 0, sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / x.length };
}

const inks = await realInks(8);

describe('boundInk', () => {
  it('keeps an ordinary ink as it is (the same object)', () => {
    for (const ink of inks) {
      expect(countPoints(ink.strokes)).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
      expect(boundInk(ink).ink).toBe(ink);
    }
  });

  it('brings a real UNIPEN digit sampled 60 (or more) times as densely under the cap, its 28x28 image nearly unchanged', () => {
    let worstMax = 0, worstMean = 0;
    for (const ink of inks) {
      const dense = densified(ink, Math.max(60, Math.ceil(8_000 / countPoints(ink.strokes))));
      const { ink: bounded, pointsIn, pointsOut } = boundInk(dense);
      expect(pointsIn).toBeGreaterThan(MAX_STORED_INK_POINTS);
      expect(pointsOut).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
      expect(countPoints(bounded.strokes)).toBe(pointsOut);
      expect(bounded.strokes).toHaveLength(dense.strokes.length);
      // against the drawing it was densified from: the same path (an ink this dense is not accepted by predict)
      const d = imageDiff(ink, bounded);
      worstMax = Math.max(worstMax, d.max);
      worstMean = Math.max(worstMean, d.mean);
    }
    // a grey level is 1/255 = 0.004; the mean change is a fraction of one, no pixel by more than about a tenth
    expect(worstMean).toBeLessThan(0.004);
    expect(worstMax).toBeLessThan(0.15);
  });

  it('simplifies the real inks themselves to half their points with little change', () => {
    let worstMean = 0;
    for (const ink of inks) {
      const n = countPoints(ink.strokes);
      const { ink: bounded, pointsOut } = boundInk(ink, Math.ceil(n / 2));
      expect(pointsOut).toBeLessThanOrEqual(Math.ceil(n / 2));
      worstMean = Math.max(worstMean, imageDiff(ink, bounded).mean);
    }
    expect(worstMean).toBeLessThan(0.02);
  });

  it('keeps only points of the ink, each stroke with its ends, times and pressures with them', () => {
    const stroke: InkPoint[] = Array.from({ length: 20_000 }, (_, i) => [Math.cos(i / 3000) * 100, Math.sin(i / 3000) * 100, i, 0.5]);
    const { ink } = boundInk({ strokes: [stroke, [[0, 0, 1, 1]]] });
    const s0 = ink.strokes[0];
    expect(s0[0]).toBe(stroke[0]);
    expect(s0.at(-1)).toBe(stroke.at(-1));
    expect(s0.every((p) => stroke.includes(p as InkPoint))).toBe(true);
    expect(ink.strokes[1]).toEqual([[0, 0, 1, 1]]);
  });

  it('a scribble of a million points is thinned to the cap', () => {
    const stroke: InkPoint[] = Array.from({ length: 1_000_000 }, (_, i) => [(i * 7919) % 1000, (i * 104729) % 997]);
    const { pointsOut } = boundInk({ strokes: [stroke] });
    expect(pointsOut).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
    expect(pointsOut).toBeGreaterThan(MAX_STORED_INK_POINTS * 0.9);
  });
});

describe('the store bounds the inks it keeps', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lenet-bound-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('addSample of a one-million-point ink stores at most 4,000 points, on disk and after reopening', async () => {
    const store = await SampleStore.open(root);
    const dense = densified(inks[0], Math.ceil(1_000_000 / countPoints(inks[0].strokes)));
    expect(countPoints(dense.strokes)).toBeGreaterThan(900_000);
    const sample = await store.add({ label: 3, ink: dense, how: 'saved' });
    expect(countPoints(sample.ink.strokes)).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
    expect((await stat(join(root, ITEMS_DIR, `${sample.id}.json`))).size).toBeLessThan(200 * 1024);
    expect(imageDiff(inks[0], sample.ink).mean).toBeLessThan(0.004);
    const again = await SampleStore.open(root);
    expect(again.get(sample.id)!.ink.strokes).toEqual(sample.ink.strokes);
  });

  it('an ordinary ink is stored exactly as drawn', async () => {
    const store = await SampleStore.open(root);
    const sample = await store.add({ label: 3, ink: inks[1], how: 'saved' });
    expect(sample.ink.strokes).toEqual(inks[1].strokes);
  });

  it('an imported dense ink is bounded too', async () => {
    const store = await SampleStore.open(root);
    const dense = densified(inks[2], Math.ceil(20_000 / countPoints(inks[2].strokes)));
    const line = JSON.stringify({ label: 5, strokes: dense.strokes });
    const report = await store.importFile(new TextEncoder().encode(`${line}\n`), 'dense.jsonl');
    expect(report.imported).toHaveLength(1);
    expect(countPoints(report.imported[0].ink.strokes)).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
    expect(countPoints(store.list()[0].ink.strokes)).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
  });

  it('a dense sample written by an older version is simplified and rewritten when the store opens', async () => {
    await SampleStore.open(root);
    const id = newSampleId();
    const dense = densified(inks[3], Math.ceil(50_000 / countPoints(inks[3].strokes)));
    const record = { format: SAMPLE_FORMAT, version: SAMPLE_VERSION, id, label: 2, collectedAt: new Date().toISOString(), how: 'saved', ink: { strokes: dense.strokes } };
    const file = join(root, ITEMS_DIR, `${id}.json`);
    await writeFile(file, JSON.stringify(record));
    const before = (await stat(file)).size;
    const store = await SampleStore.open(root);
    expect(store.openReport.simplified).toBe(1);
    expect(countPoints(store.get(id)!.ink.strokes)).toBeLessThanOrEqual(MAX_STORED_INK_POINTS);
    expect((await stat(file)).size).toBeLessThan(before / 10);
    expect((await SampleStore.open(root)).openReport.simplified).toBe(0);
  });
});
