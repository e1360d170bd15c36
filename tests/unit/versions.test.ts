import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, CLASSIC_LENET5, MODERN_LENET5, weightsToFile, type NetworkSpec } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelVersions, ModelVersionError } from '../../main/versions/versions.ts';

function randomModel(spec: NetworkSpec, seed: number) {
  return { spec, weights: buildNetwork(spec, { seed }).getWeights() };
}

let work: string;
let bundledDir: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'versions-'));
  bundledDir = join(work, 'native-models');
  const m = randomModel(MODERN_LENET5, 1);
  await writeModelFolder(join(bundledDir, 'modern'), { ...m, meta: { title: 'Modern LeNet-5', createdAt: '2025-01-01T00:00:00Z' } });
  const c = randomModel(CLASSIC_LENET5, 2);
  await writeModelFolder(join(bundledDir, 'classic'), { ...c, meta: { title: 'Classic LeNet-5' } });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function freshVersions(name: string): Promise<ModelVersions> {
  return ModelVersions.open({ bundledDir, dataDir: join(work, name) });
}

describe('model versions', () => {
  it('starts on the bundled modern model, without a notice', async () => {
    const v = await freshVersions('first');
    expect(await v.active()).toEqual({ id: 'modern', dir: join(bundledDir, 'modern'), notice: null, noticeReasons: [] });
    const { versions } = await v.list();
    expect(versions.map((x) => [x.id, x.bundled])).toEqual([['classic', true], ['modern', true]]);
  });

  it('saves a personal model with its card, activates it after the parity check, and rolls back', async () => {
    const v = await freshVersions('personal');
    const p = randomModel(MODERN_LENET5, 7);
    const saved = await v.savePersonal({ ...p, parent: 'modern', card: { title: 'Mine', fineTune: { after: 0.97 } } });
    expect(saved).toMatchObject({ bundled: false, arch: 'modern', parent: 'modern' });
    expect(saved.id).toMatch(/^modern-personal-\d{8}-\d{6}$/);
    expect(saved.dir).toBe(join(work, 'personal', 'models', saved.id));
    const meta = JSON.parse(await readFile(join(saved.dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ arch: 'modern', personal: true, parent: 'modern', title: 'Mine', fineTune: { after: 0.97 } });
    expect(Date.parse(meta.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    // the bundled folder is never written to
    expect((await readdir(bundledDir)).sort()).toEqual(['classic', 'modern']);

    const second = await v.savePersonal({ ...randomModel(MODERN_LENET5, 8), parent: saved.id, card: {} });
    expect(second.id).not.toBe(saved.id);
    expect((await v.list()).versions.map((x) => x.id)).toEqual(['classic', 'modern', saved.id, second.id]);

    const act = await v.activate(saved.id);
    expect(act.previousId).toBe('modern');
    expect(act.parity.probabilities).toBeLessThan(1e-4);
    expect(act.parity.layers.map((l) => l.name)).toEqual(['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
    expect(await v.active()).toEqual({ id: saved.id, dir: saved.dir, notice: null, noticeReasons: [] });
    expect(JSON.parse(await readFile(v.pointerPath, 'utf8'))).toMatchObject({ id: saved.id, previousId: 'modern' });
    // another process (a restart) sees the same
    expect((await freshVersions('personal').then((x) => x.active())).id).toBe(saved.id);

    const back = await v.rollback();
    expect(back).toMatchObject({ id: 'modern', previousId: saved.id });
    expect((await v.active()).id).toBe('modern');
    // activating the classic model runs the check on its own 32x32 input
    expect((await v.activate('classic')).parity.layers).toHaveLength(7);
    await expect(v.activate('nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses to activate a model whose ONNX graph and weights disagree, or whose graph is damaged', async () => {
    const v = await freshVersions('refuse');
    const good = await v.savePersonal({ ...randomModel(MODERN_LENET5, 3), parent: 'modern', card: {} });
    await v.activate(good.id);
    const before = await readFile(v.pointerPath, 'utf8');

    // weights.json replaced by other weights: the graph (exported from the first ones) no longer matches
    const mismatch = await v.savePersonal({ ...randomModel(MODERN_LENET5, 4), parent: 'modern', card: {}, id: 'mismatch' });
    await writeFile(join(mismatch.dir, 'weights.json'), JSON.stringify(weightsToFile(MODERN_LENET5, buildNetwork(MODERN_LENET5, { seed: 5 }).getWeights())));
    await expect(v.activate('mismatch')).rejects.toThrow(/weights\.json: the file does not match the SHA-256 recorded in meta\.json/);
    // a folder written before digests were recorded: the parity check still catches it
    const meta = JSON.parse(await readFile(join(mismatch.dir, 'meta.json'), 'utf8'));
    delete meta.integrity;
    await writeFile(join(mismatch.dir, 'meta.json'), JSON.stringify(meta));
    await expect(v.activate('mismatch')).rejects.toThrow(/ONNX Runtime and the engine disagree/);

    const cut = await v.savePersonal({ ...randomModel(MODERN_LENET5, 6), parent: 'modern', card: {}, id: 'cut' });
    const onnx = await readFile(join(cut.dir, 'model.onnx'));
    await writeFile(join(cut.dir, 'model.onnx'), onnx.subarray(0, onnx.length / 3));
    await expect(v.activate('cut')).rejects.toThrow(/cut was not activated: .*model\.onnx/);

    expect(await readFile(v.pointerPath, 'utf8')).toBe(before);
    expect((await v.active()).id).toBe(good.id);
  });

  it('falls back to the bundled model with a notice when the active one is missing or damaged', async () => {
    const v = await freshVersions('fallback');
    const p = await v.savePersonal({ ...randomModel(MODERN_LENET5, 9), parent: 'modern', card: {}, id: 'mine' });
    await v.activate('mine');

    const weights = await readFile(join(p.dir, 'weights.json'), 'utf8');
    await writeFile(join(p.dir, 'weights.json'), weights.slice(0, 100));
    const damaged = await v.active();
    expect(damaged).toMatchObject({ id: 'modern', dir: join(bundledDir, 'modern') });
    expect(damaged.notice).toMatch(/active model mine cannot be loaded.*weights\.json.*bundled modern/);

    await rm(p.dir, { recursive: true });
    expect((await v.active()).notice).toMatch(/active model mine is missing; using the bundled modern model/);

    await writeFile(v.pointerPath, '{"id": "mi');
    expect((await v.active()).notice).toMatch(/damaged.*not valid JSON/);
    await writeFile(v.pointerPath, '{"id": 3}');
    expect((await v.active()).notice).toMatch(/damaged.*not an active-model pointer/);
    // activating again repairs the pointer
    await v.activate('classic');
    expect(await v.active()).toMatchObject({ id: 'classic', notice: null });
  });

  it('removes personal models but never a bundled or the active one', async () => {
    const v = await freshVersions('remove');
    await v.savePersonal({ ...randomModel(MODERN_LENET5, 10), parent: 'modern', card: {}, id: 'a' });
    await v.savePersonal({ ...randomModel(MODERN_LENET5, 11), parent: 'a', card: {}, id: 'b' });
    await v.activate('a');
    await expect(v.remove('modern')).rejects.toThrow(/bundled/);
    await expect(v.remove('a')).rejects.toThrow(/active model/);
    await v.remove('b');
    expect((await v.list()).versions.map((x) => x.id)).toEqual(['classic', 'modern', 'a']);
    await expect(v.savePersonal({ ...randomModel(MODERN_LENET5, 12), parent: null, card: {}, id: 'a' })).rejects.toThrow(ModelVersionError);
  });

  it('sweeps a half-written model a crash left in staging, which was never listed', async () => {
    const dataDir = join(work, 'staging');
    const leftover = join(dataDir, 'models', '.staging', 'modern-personal-x.tmp-2147483646-0badf00d');
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, 'weights.json'), '{');
    await writeFile(join(dataDir, 'models', 'active.json.tmp-2147483646-00000000'), '{');
    const v = await ModelVersions.open({ bundledDir, dataDir });
    expect(await readdir(join(dataDir, 'models', '.staging'))).toEqual([]);
    expect(await readdir(join(dataDir, 'models'))).toEqual(['.staging']);
    expect((await v.list()).skipped).toEqual([]);
  });
});
