import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdx } from '../../main/data/idx.ts';
import { mnistFromIdx } from '../../main/data/mnist.ts';
import { preprocessInk } from '../../main/ink/index.ts';
import { exportIdx, exportIdxZip, exportZip, IDX_IMAGES, IDX_LABELS, SampleStore, SAMPLES_JSONL } from '../../main/samples/index.ts';

const UNIPEN = join(import.meta.dirname, '../../../shared/data/unipen-dev/ceb.jsonl');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'samples-x-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The first lines of a real pen data file, as a store. */
async function storeOfRealInks(dir: string, n: number): Promise<SampleStore> {
  const lines = (await readFile(UNIPEN, 'utf8')).trim().split('\n').slice(0, n);
  const store = await SampleStore.open(dir);
  for (const [i, line] of lines.entries()) {
    const r = JSON.parse(line);
    await store.add({ label: r.label, ink: { strokes: r.strokes }, how: i % 3 === 0 ? 'corrected' : 'saved', ...(i % 3 === 0 ? { predicted: (r.label + 1) % 10, modelId: 'modern' } : {}) });
  }
  return store;
}

/** The network's input for an ink, as MNIST bytes, computed here straight from the ink pipeline. */
function expectedBytes(strokes: unknown): number[] {
  return Array.from(preprocessInk({ strokes: strokes as never }).image28, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

describe('sample export and import', () => {
  it('exports a zip of JSON Lines and one PNG per sample holding the network input', async () => {
    const store = await storeOfRealInks(join(root, 'a'), 8);
    const samples = store.list();
    const files = unzipSync(exportZip(samples));
    const lines = new TextDecoder().decode(files[SAMPLES_JSONL]).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    for (const [k, s] of samples.entries()) {
      expect(lines[k]).toMatchObject({ id: s.id, label: s.label, strokes: s.ink.strokes, collectedAt: s.collectedAt, how: s.how });
      const png = PNG.sync.read(Buffer.from(files[`images/${s.label}/${s.id}.png`]));
      expect([png.width, png.height]).toEqual([28, 28]);
      const grey = Array.from({ length: 784 }, (_, i) => png.data[i * 4]);
      expect(grey).toEqual(expectedBytes(s.ink.strokes));
      expect(grey.some((v) => v > 200)).toBe(true);
    }
    expect(new TextDecoder().decode(files['README.txt'])).toMatch(/samples\.jsonl/);
  });

  it('round-trips through import into another store, and a second import adds nothing', async () => {
    const store = await storeOfRealInks(join(root, 'a'), 12);
    const zip = exportZip(store.list());
    const other = await SampleStore.open(join(root, 'b'));
    const first = await other.importFile(zip, 'export.zip');
    expect(first.skipped).toEqual([]);
    expect(first.imported).toHaveLength(12);
    const a = store.list(), b = other.list();
    expect(b.map((s) => [s.label, s.ink.strokes, s.collectedAt, s.predicted, s.modelId])).toEqual(a.map((s) => [s.label, s.ink.strokes, s.collectedAt, s.predicted, s.modelId]));
    expect(b.every((s) => s.how === 'imported')).toBe(true);
    expect((await SampleStore.open(join(root, 'b'))).list()).toEqual(b);

    const again = await other.importFile(zip, 'export.zip');
    expect(again.imported).toEqual([]);
    expect(again.skipped).toHaveLength(12);
    expect(again.skipped[0]).toMatchObject({ where: 'export.zip/samples.jsonl:1', reason: expect.stringMatching(/already in the store/) });
  });

  it('imports a JSON Lines file record by record and says which lines it skipped and why', async () => {
    const good = (await readFile(UNIPEN, 'utf8')).trim().split('\n').slice(0, 3);
    const lines = [
      good[0],
      '{"label": 3, "strokes": [[[0, 0], [1, 1]]',
      '{"label": 12, "strokes": [[[0, 0], [5, 5]]]}',
      '{"strokes": [[[0, 0], [5, 5]]]}',
      '',
      '{"label": 4, "strokes": [[[0, "x"], [5, 5]]]}',
      good[1],
      '{"label": 5, "strokes": []}',
      '{"label": 6, "strokes": [[[0, 0, 10, 7], [5, 5, 20, 0.5]]]}',
      '{"label": 7, "strokes": [[[0, 0]]], "collectedAt": "yesterday"}',
      '[1, 2, 3]',
      good[2],
    ];
    const store = await SampleStore.open(root);
    const report = await store.importFile(strToU8(lines.join('\r\n')), 'mine.jsonl');
    expect(report.imported.map((s) => s.label)).toEqual(good.map((l) => JSON.parse(l).label));
    expect(report.imported.map((s) => s.ink.strokes)).toEqual(good.map((l) => JSON.parse(l).strokes));
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.where, s.reason]));
    expect(Object.keys(reasons)).toEqual(['mine.jsonl:2', 'mine.jsonl:3', 'mine.jsonl:4', 'mine.jsonl:6', 'mine.jsonl:8', 'mine.jsonl:9', 'mine.jsonl:10', 'mine.jsonl:11']);
    expect(reasons['mine.jsonl:2']).toBe('not valid JSON');
    expect(reasons['mine.jsonl:3']).toMatch(/label.*digit 0-9/);
    expect(reasons['mine.jsonl:4']).toMatch(/label/);
    expect(reasons['mine.jsonl:6']).toMatch(/strokes\[0\]\[0\]\[1\].*finite number/);
    expect(reasons['mine.jsonl:8']).toMatch(/no point/);
    expect(reasons['mine.jsonl:9']).toMatch(/pressure/);
    expect(reasons['mine.jsonl:10']).toMatch(/collectedAt.*ISO 8601/);
    expect(reasons['mine.jsonl:11']).toMatch(/object/);
    expect(store.size).toBe(3);
  });

  it('refuses a file that is unusable as a whole with a clear error', async () => {
    const store = await SampleStore.open(root);
    await expect(store.importFile(new Uint8Array(0), 'x.zip')).rejects.toThrow(/x\.zip: the file is empty/);
    await expect(store.importFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x80]), 'photo.jpg')).rejects.toThrow(/neither a zip nor UTF-8 text/);
    const noJsonl = zipSync({ 'images/a.png': new Uint8Array([1, 2, 3]) });
    await expect(store.importFile(noJsonl, 'other.zip')).rejects.toThrow(/holds neither samples\.jsonl/);
    const broken = exportZip([]).slice(0, 30);
    await expect(store.importFile(broken, 'cut.zip')).rejects.toThrow(/not a readable zip/);
    expect(store.size).toBe(0);
  });

  it('exports MNIST IDX files that the MNIST reader reads back', async () => {
    const store = await storeOfRealInks(root, 10);
    const samples = store.list();
    const { images, labels } = exportIdx(samples);
    const set = mnistFromIdx(parseIdx(images), parseIdx(labels));
    expect([set.count, set.rows, set.cols]).toEqual([10, 28, 28]);
    expect(Array.from(set.labels)).toEqual(samples.map((s) => s.label));
    for (const [k, s] of samples.entries()) expect(Array.from(set.images.subarray(k * 784, (k + 1) * 784))).toEqual(expectedBytes(s.ink.strokes));
    const zipped = unzipSync(exportIdxZip(samples));
    expect(zipped[IDX_IMAGES]).toEqual(images);
    expect(zipped[IDX_LABELS]).toEqual(labels);
    const empty = exportIdx([]);
    expect(parseIdx(empty.images).dims).toEqual([0, 28, 28]);
  });
});
