import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIdx } from '../../main/data/idx.ts';
import { exportIdx, exportIdxZip, exportZip, IDX_IMAGES, IDX_LABELS, SampleStore, SampleStoreError, SAMPLES_JSONL } from '../../main/samples/index.ts';

const UNIPEN = join(import.meta.dirname, '../../../shared/data/unipen-dev/ceb.jsonl');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'samples-r-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function storeOfRealInks(dir: string, n: number): Promise<SampleStore> {
  const lines = (await readFile(UNIPEN, 'utf8')).trim().split('\n').slice(0, n);
  const store = await SampleStore.open(dir);
  for (const line of lines) {
    const r = JSON.parse(line);
    await store.add({ label: r.label, ink: { strokes: r.strokes }, how: 'saved' });
  }
  return store;
}

describe('the MNIST IDX export imports back, and every import says what it took and refused per file', () => {
  it('an IDX export of one store imports into another: same labels, same inks, the IDX files reported as not read and why', async () => {
    const a = await storeOfRealInks(join(root, 'a'), 12);
    const zip = exportIdxZip(a.list());
    // still MNIST's own format: the IDX files decode to the images and labels of the samples
    const entries = unzipSync(zip);
    expect(parseIdx(entries[IDX_LABELS]).data).toEqual(exportIdx(a.list()).labels.subarray(8));
    expect(parseIdx(entries[IDX_IMAGES]).dims).toEqual([12, 28, 28]);

    const b = await SampleStore.open(join(root, 'b'));
    const report = await b.importFile(zip, 'samples-idx.zip');
    expect(report.imported.map((s) => s.label).sort()).toEqual(a.list().map((s) => s.label).sort());
    expect(report.imported.map((s) => JSON.stringify(s.ink.strokes)).sort()).toEqual(a.list().map((s) => JSON.stringify(s.ink.strokes)).sort());
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    expect(byFile[`samples-idx.zip/${SAMPLES_JSONL}`]).toMatchObject({ read: true, taken: 12, skipped: 0 });
    expect(byFile[`samples-idx.zip/${IDX_IMAGES}`]).toMatchObject({ read: false, code: 'skip.derived' });
    expect(byFile[`samples-idx.zip/${IDX_LABELS}`]).toMatchObject({ read: false, code: 'skip.derived' });
    expect(byFile['samples-idx.zip/README.txt']).toMatchObject({ read: false, code: 'skip.notRead' });

    // imported again: every record is a duplicate, counted against its file
    const again = await b.importFile(zip, 'samples-idx.zip');
    expect(again.imported).toHaveLength(0);
    expect(again.files.find((f) => f.file.endsWith(SAMPLES_JSONL))).toMatchObject({ taken: 0, skipped: 12 });
    expect(again.skipped[0]).toMatchObject({ code: 'skip.duplicate' });
  });

  it('a zip of IDX files without their inks is refused with a reason naming the files, and stores nothing', async () => {
    const a = await storeOfRealInks(join(root, 'a'), 3);
    const { images, labels } = exportIdx(a.list());
    const bare = zipSync({ [IDX_IMAGES]: images, [IDX_LABELS]: labels });
    const b = await SampleStore.open(join(root, 'b'));
    const err = await b.importFile(bare, 'old-idx.zip').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SampleStoreError);
    expect((err as SampleStoreError).reason).toEqual({ code: 'import.idxWithoutInks', params: { file: 'old-idx.zip', names: `${IDX_IMAGES}, ${IDX_LABELS}` } });
    expect((err as SampleStoreError).code).toBe('bad-request');
    expect(b.list()).toHaveLength(0);
  });

  it('the zip export: PNGs are one not-read group per folder; bad lines are counted against their file with a code', async () => {
    const a = await storeOfRealInks(join(root, 'a'), 4);
    const good = unzipSync(exportZip(a.list()));
    const lines = new TextDecoder().decode(good[SAMPLES_JSONL]).trim().split('\n');
    const extra = `${lines[0]}\nnot json\n{"label": 12, "strokes": [[[0, 0], [1, 1]]]}\n`;
    const zip = zipSync({ ...good, 'more.jsonl': strToU8(extra) });
    const b = await SampleStore.open(join(root, 'b'));
    const report = await b.importFile(zip, 'mixed.zip');
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    expect(byFile[`mixed.zip/${SAMPLES_JSONL}`]).toMatchObject({ read: true, taken: 4, skipped: 0 });
    // its first line repeats a sample of samples.jsonl; then one line that is not JSON and one whose label is 12
    expect(byFile['mixed.zip/more.jsonl']).toMatchObject({ read: true, taken: 0, skipped: 3 });
    const pngGroups = report.files.filter((f) => !f.read && f.code === 'skip.derived');
    expect(pngGroups.length).toBeGreaterThan(0);
    expect(pngGroups.every((f) => /images\/\*\.png \(\d+\)$/.test(f.file))).toBe(true);
    const codes = report.skipped.map((s) => [s.where, s.code]);
    expect(codes).toEqual(expect.arrayContaining([['mixed.zip/more.jsonl:2', 'skip.notJson'], ['mixed.zip/more.jsonl:3', 'skip.invalid'], ['mixed.zip/more.jsonl:1', 'skip.duplicate']]));
    expect(report.skipped.find((s) => s.code === 'skip.invalid')?.params).toMatchObject({ field: 'label' });
  });
});
