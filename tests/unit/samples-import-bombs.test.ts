import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../main/api/schemas.ts';
import { exportZip, parseSampleFile, SampleStore, SampleStoreError } from '../../main/samples/index.ts';
import { blankLinesBomb, junkLinesBomb, lyingHeaderBomb, repeatedDeflate, zipOf } from '../../scripts/bench/zip-bombs.ts';

/**
 * Hostile import files, at sizes a test can afford, with the budgets lowered through the import's
 * options: what the app does with the probe's 256 MB, 64 MB and 7.9 GB files (the bench measures those).
 */
const MB = 1024 * 1024;
const UNIPEN = join(import.meta.dirname, '../../../shared/data/unipen-dev/ceb.jsonl');
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lenet-bombs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<SampleStoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SampleStoreError);
  return err as SampleStoreError;
}

describe('an import file cannot take the app down', () => {
  it('the budgets are LIMITS', () => {
    expect(LIMITS).toMatchObject({ maxImportInflatedBytes: 64 * MB, maxImportRecords: 20_000, maxStoredInkPoints: 4_000, maxReportedSkips: 200 });
  });

  it('refuses a zip of blank lines that inflates past the budget, naming the limit', async () => {
    const store = await SampleStore.open(root);
    const bomb = blankLinesBomb(32 * MB);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const err = await refusal(store.importFile(bomb, 'blank.zip', { limits: { maxImportInflatedBytes: 4 * MB } }));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/blank\.zip: .*more than 4 MB; at most 4 MB are imported at once/);
    expect(store.size).toBe(0);
  });

  it('under the budget, blank lines are no records: nothing imported, nothing skipped', async () => {
    const store = await SampleStore.open(root);
    const report = await store.importFile(blankLinesBomb(16 * MB), 'blank.zip');
    expect(report).toEqual({ imported: [], skipped: [], skippedTotal: 0, files: [{ file: 'blank.zip/samples.jsonl', taken: 0, skipped: 0, read: true }] });
  });

  it('refuses a zip of junk lines past the budget', async () => {
    const store = await SampleStore.open(root);
    const err = await refusal(store.importFile(junkLinesBomb(16 * MB), 'junk.zip', { limits: { maxImportInflatedBytes: 8 * MB } }));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/8 MB/);
  });

  it('counts on the bytes actually inflated, not on the size the header declares, and stops there', () => {
    // declares 1 MB, inflates to 2 GB: read to the end it would take minutes and gigabytes
    const bomb = lyingHeaderBomb(2048 * MB, 1 * MB);
    expect(bomb.length).toBeLessThan(3 * MB);
    let message = '';
    try {
      parseSampleFile(bomb, 'liar.zip', { ...limits(), maxImportInflatedBytes: 2 * MB });
    } catch (err) {
      message = (err as Error).message;
      expect((err as { code?: string }).code).toBe('too-large');
    }
    expect(message).toMatch(/liar\.zip: its JSON Lines unpack to more than 2 MB/);
  });

  it('the budget is over all the JSON Lines of the zip together, stored (uncompressed) entries too', async () => {
    const store = await SampleStore.open(root);
    const line = new TextEncoder().encode('\n'.repeat(MB));
    const entries = ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((name) => ({ name, data: line, method: 0 as const, declaredSize: line.length }));
    const err = await refusal(store.importFile(zipOf(entries), 'three.zip', { limits: { maxImportInflatedBytes: 2.5 * MB } }));
    expect(err.code).toBe('too-large');
    // within the budget, the same file is read
    expect((await store.importFile(zipOf(entries), 'three.zip', { limits: { maxImportInflatedBytes: 3 * MB } })).skippedTotal).toBe(0);
  });

  it('does not open a nested zip, and skips an entry that is a zip under a .jsonl name without inflating it', async () => {
    const store = await SampleStore.open(root);
    const inner = lyingHeaderBomb(1024 * MB, 100);
    const nested = zipOf([{ name: 'inner.zip', data: inner, method: 0, declaredSize: inner.length }]);
    expect((await refusal(store.importFile(nested, 'nested.zip'))).message).toMatch(/holds neither samples\.jsonl/);
    const disguised = zipOf([{ name: 'samples.jsonl', data: new Uint8Array(deflateRawSync(inner)), method: 8, declaredSize: inner.length }]);
    const report = await store.importFile(disguised, 'disguised.zip');
    expect(report.imported).toEqual([]);
    expect(report.skippedTotal).toBeGreaterThan(0);
    expect(report.skipped[0].where).toMatch(/^disguised\.zip\/samples\.jsonl/);
    expect(report.skipped.map((s) => s.reason).join(' ')).toMatch(/not UTF-8 text|not valid JSON/);
  });

  it('an all-skip file of millions of bad lines: the report keeps the first ones and counts them all', async () => {
    const store = await SampleStore.open(root);
    const lines = 3_000_000;
    const report = await store.importFile(new TextEncoder().encode('x\n'.repeat(lines)), 'bad.jsonl', { limits: { maxImportRecords: 1_000 } });
    expect(report.imported).toEqual([]);
    expect(report.skippedTotal).toBe(lines);
    expect(report.skipped).toHaveLength(LIMITS.maxReportedSkips);
    expect(report.skipped[0]).toEqual({ where: 'bad.jsonl:1', reason: 'not valid JSON', code: 'skip.notJson', params: {} });
    expect(report.skipped.at(-1)!.where).toBe(`bad.jsonl:${LIMITS.maxReportedSkips}`);
  });

  it('the same in a zip: four million junk lines, counted', async () => {
    const store = await SampleStore.open(root);
    const { data, inflatedSize } = repeatedDeflate('{\n', 8 * MB);
    const report = await store.importFile(zipOf([{ name: 'samples.jsonl', data, method: 8, declaredSize: inflatedSize }]), 'junk.zip');
    expect(report.skippedTotal).toBe(inflatedSize / 2);
    expect(report.skipped).toHaveLength(LIMITS.maxReportedSkips);
    expect(report.skipped[LIMITS.maxReportedSkips - 1].reason).toBe('not valid JSON');
  });

  it('reads at most maxImportRecords records of a file and counts the rest as skipped', async () => {
    const store = await SampleStore.open(root);
    const good = (await readFile(UNIPEN, 'utf8')).trim().split('\n').slice(0, 5);
    const text = `${good.join('\n')}\n\n${'{"label": 1}\n'.repeat(7)}`;
    const report = await store.importFile(new TextEncoder().encode(text), 'capped.jsonl', { limits: { maxImportRecords: 3 } });
    expect(report.imported.map((s) => s.label)).toEqual(good.slice(0, 3).map((l) => JSON.parse(l).label));
    expect(report.skippedTotal).toBe(2 + 7);
    expect(report.skipped[0]).toEqual({ where: 'capped.jsonl:4', reason: 'past the 3 records one import reads', code: 'skip.pastRecordCap', params: { max: 3 } });
    expect(report.skipped.at(-1)!.where).toBe('capped.jsonl:13');
  });

  it('skips a line longer than maxImportLineBytes without keeping it, and reads on', async () => {
    const store = await SampleStore.open(root);
    const good = (await readFile(UNIPEN, 'utf8')).trim().split('\n')[0];
    const text = `${'['.repeat(2 * MB)}\n${good}\n`;
    const report = await store.importFile(new TextEncoder().encode(text), 'long.jsonl', { limits: { maxImportLineBytes: MB } });
    expect(report.skipped).toEqual([{ where: 'long.jsonl:1', reason: 'the line is longer than 1 MB', code: 'skip.lineTooLong', params: { mb: 1 } }]);
    expect(report.imported).toHaveLength(1);
  });

  it('an exported zip still round-trips', async () => {
    const store = await SampleStore.open(root);
    const good = (await readFile(UNIPEN, 'utf8')).trim().split('\n').slice(0, 4).map((l) => JSON.parse(l) as { label: number; strokes: [number, number][][] });
    for (const g of good) await store.add({ label: g.label, ink: { strokes: g.strokes }, how: 'saved' });
    const other = await SampleStore.open(join(root, 'other'));
    const report = await other.importFile(exportZip(store.list()), 'export.zip');
    expect(report.imported.map((s) => s.ink.strokes)).toEqual(good.map((g) => g.strokes));
  });
});

function limits() {
  return {
    maxImportInflatedBytes: LIMITS.maxImportInflatedBytes, maxImportRecords: LIMITS.maxImportRecords, maxImportLineBytes: LIMITS.maxImportLineBytes,
    maxReportedSkips: LIMITS.maxReportedSkips, maxStoredInkPoints: LIMITS.maxStoredInkPoints,
  };
}
