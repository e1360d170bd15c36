import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SampleStore, SampleStoreError, type Sample } from '../../main/samples/index.ts';

/** A small seeded ink: a stroke per call, different for each n. */
function ink(n: number) {
  const pts: [number, number][] = [];
  for (let i = 0; i < 12; i++) pts.push([10 + i * 3 + (n % 7), 20 + Math.round(10 * Math.sin(i + n))]);
  return { strokes: [pts] };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'samples-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('sample store', () => {
  it('adds samples as one file each, lists them oldest first and counts them per digit', async () => {
    const store = await SampleStore.open(root);
    const a = await store.add({ label: 3, ink: ink(1) });
    const b = await store.add({ label: 3, ink: ink(2), how: 'corrected', predicted: 5, modelId: 'modern' });
    const c = await store.add({ label: 7, ink: ink(3) });
    expect(store.counts()).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 0, 0]);
    expect(store.list().map((s) => s.id)).toEqual([a.id, b.id, c.id]);
    expect(store.list({ label: 3 }).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(store.list({ how: 'corrected' })).toEqual([b]);
    expect(b).toMatchObject({ how: 'corrected', predicted: 5, modelId: 'modern', label: 3 });
    expect(Date.parse(a.collectedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await readdir(join(root, 'items'))).sort()).toEqual([a.id, b.id, c.id].map((id) => `${id}.json`).sort());
    const onDisk = JSON.parse(await readFile(join(root, 'items', `${b.id}.json`), 'utf8'));
    expect(onDisk).toMatchObject({ format: 'lenet-studio/sample', version: 1, id: b.id, label: 3, how: 'corrected', ink: { strokes: ink(2).strokes } });

    const reopened = await SampleStore.open(root);
    expect(reopened.list()).toEqual(store.list());
    expect(reopened.openReport).toMatchObject({ samples: 3, sweptTempFiles: [], setAside: [], unknownFiles: [] });
  });

  it('refuses bad samples with a message that says what is wrong', async () => {
    const store = await SampleStore.open(root);
    await expect(store.add({ label: 10, ink: ink(1) })).rejects.toThrow(/label.*digit 0-9/);
    await expect(store.add({ label: 1.5, ink: ink(1) })).rejects.toThrow(SampleStoreError);
    await expect(store.add({ label: 1, ink: { strokes: [] } })).rejects.toThrow(/no point/);
    await expect(store.add({ label: 1, ink: { strokes: [[]] } })).rejects.toThrow(/no point/);
    await expect(store.add({ label: 1, ink: { strokes: [[[0, Number.NaN]]] } })).rejects.toThrow(/strokes\[0\]\[0\]\[1\].*finite/);
    await expect(store.add({ label: 1, ink: 'scribble' as never })).rejects.toThrow(/an ink must be an object/);
    await expect(store.add({ label: 1, ink: ink(1), how: 'stolen' as never })).rejects.toThrow(/how/);
    expect(store.size).toBe(0);
    expect(await readdir(join(root, 'items'))).toEqual([]);
  });

  it('keeps every sample of many concurrent adds', async () => {
    const store = await SampleStore.open(root);
    const added = await Promise.all(Array.from({ length: 40 }, (_, i) => store.add({ label: i % 10, ink: ink(i) })));
    expect(new Set(added.map((s) => s.id)).size).toBe(40);
    const reopened = await SampleStore.open(root);
    expect(reopened.counts()).toEqual(new Array(10).fill(4));
    for (const s of added) expect(reopened.get(s.id)).toEqual(s);
  });

  it('relabels in place and the new label survives a reopen', async () => {
    const store = await SampleStore.open(root);
    const s = await store.add({ label: 1, ink: ink(1) });
    const r = await store.relabel(s.id, 7);
    expect(r).toEqual({ ...s, label: 7 });
    expect(store.counts()[1]).toBe(0);
    expect(store.counts()[7]).toBe(1);
    expect((await SampleStore.open(root)).get(s.id)?.label).toBe(7);
    await expect(store.relabel('nope', 3)).rejects.toMatchObject({ code: 'not-found' });
    await expect(store.relabel(s.id, -1)).rejects.toThrow(/not a digit/);
  });

  it('deletes into the trash and undo brings the samples back, also after a reopen', async () => {
    const store = await SampleStore.open(root);
    const [a, b, c] = [await store.add({ label: 1, ink: ink(1) }), await store.add({ label: 2, ink: ink(2) }), await store.add({ label: 3, ink: ink(3) })];
    const del = await store.delete([a.id, c.id]);
    expect(del.deleted).toBe(2);
    expect(store.list()).toEqual([b]);
    expect(await readdir(join(root, 'items'))).toEqual([`${b.id}.json`]);
    expect((await SampleStore.open(root)).list()).toEqual([b]);

    const later = await SampleStore.open(root);
    const undone = await later.undoDelete(del.undoToken);
    expect(undone.restored.map((s) => s.id).sort()).toEqual([a.id, c.id].sort());
    expect(later.list()).toEqual([a, b, c]);
    expect((await SampleStore.open(root)).list()).toEqual([a, b, c]);
    await expect(later.undoDelete(del.undoToken)).rejects.toThrow(/nothing to restore/);
    await expect(later.undoDelete('../../etc')).rejects.toThrow(/not an undo token/);
    // a delete naming an unknown id changes nothing
    await expect(later.delete([a.id, 'missing'])).rejects.toMatchObject({ code: 'not-found' });
    expect(later.size).toBe(3);
  });

  it('sweeps temporary files of dead writers and sets corrupt files aside with the reason', async () => {
    const store = await SampleStore.open(root);
    const good = await store.add({ label: 4, ink: ink(4) });
    const items = join(root, 'items');
    const record = await readFile(join(items, `${good.id}.json`), 'utf8');
    // a crashed writer's temp file (pid 2^31-2 does not exist) and files damaged in various ways
    await writeFile(join(items, `x.json.tmp-2147483646-0badf00d`), record.slice(0, 20));
    await writeFile(join(items, 'truncated.json'), record.slice(0, record.length / 2));
    await writeFile(join(items, 'empty.json'), '');
    await writeFile(join(items, 'binary.json'), Buffer.from([0xff, 0xfe, 0x00, 0x81]));
    await writeFile(join(items, 'wrong-label.json'), record.replace('"label":4', '"label":12').replace(good.id, 'wrong-label'));
    await writeFile(join(items, 'renamed.json'), record);
    await writeFile(join(items, 'notes.txt'), 'mine');

    const reopened = await SampleStore.open(root);
    const report = reopened.openReport;
    expect(reopened.list()).toEqual([good]);
    expect(report.sweptTempFiles).toEqual(['x.json.tmp-2147483646-0badf00d']);
    expect(report.unknownFiles).toEqual(['notes.txt']);
    const reasons = Object.fromEntries(report.setAside.map((s) => [s.file, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['binary.json', 'empty.json', 'renamed.json', 'truncated.json', 'wrong-label.json']);
    expect(reasons['truncated.json']).toMatch(/not valid JSON/);
    expect(reasons['empty.json']).toMatch(/empty/);
    expect(reasons['binary.json']).toMatch(/UTF-8/);
    expect(reasons['wrong-label.json']).toMatch(/label/);
    expect(reasons['renamed.json']).toMatch(/does not match its file name/);
    expect((await readdir(items)).sort()).toEqual([`${good.id}.json`, 'notes.txt']);
    // set aside, not deleted: the bytes are kept with the reason beside them
    expect(await readFile(join(root, 'corrupt', 'truncated.json'), 'utf8')).toBe(record.slice(0, record.length / 2));
    const listed = await reopened.setAsideFiles();
    expect(listed.map((f) => f.file)).toEqual(['binary.json', 'empty.json', 'renamed.json', 'truncated.json', 'wrong-label.json']);
    expect(listed.find((f) => f.file === 'renamed.json')?.reason).toBe(reasons['renamed.json']);
    // the next open finds nothing more to do
    expect((await SampleStore.open(root)).openReport).toMatchObject({ sweptTempFiles: [], setAside: [] });
  });

  it('leaves a temporary file of a live writer alone', async () => {
    await SampleStore.open(root);
    const name = `y.json.tmp-${process.pid}-12345678`;
    await writeFile(join(root, 'items', name), '{');
    const store = await SampleStore.open(root);
    expect(store.openReport.sweptTempFiles).toEqual([]);
    expect(store.openReport.setAside).toEqual([]);
    expect(await readdir(join(root, 'items'))).toEqual([name]);
  });

  it('returns samples that are plain data (the contract can send them as they are)', async () => {
    const store = await SampleStore.open(root);
    const s: Sample = await store.add({ label: 0, ink: ink(0) });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
