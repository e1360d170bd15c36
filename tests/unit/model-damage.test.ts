import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../main/core/core.ts';
import { buildNetwork, CLASSIC_LENET5, MODERN_LENET5, weightsToFile, type NetworkSpec } from '../../main/engine/index.ts';
import { exportOnnx } from '../../main/onnx/export.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore } from '../../main/samples/index.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { modelRoots } from '../../main/versions/paths.ts';
import { unipenInks } from './api-fixtures.ts';
import { reasonMessage } from '../../main/api/error-codes.ts';


function randomModel(spec: NetworkSpec, seed: number) {
  return { spec, weights: buildNetwork(spec, { seed }).getWeights() };
}

let work: string;
let bundledDir: string;
let n = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'model-damage-'));
  bundledDir = join(work, 'native-models');
  await writeModelFolder(join(bundledDir, 'modern'), { ...randomModel(MODERN_LENET5, 1), meta: { title: 'Modern' } });
  await writeModelFolder(join(bundledDir, 'classic'), { ...randomModel(CLASSIC_LENET5, 2), meta: { title: 'Classic' } });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A data folder whose active model is a personal modern model; returns its folder. */
async function withActivePersonal(): Promise<{ versions: ModelVersions; dataDir: string; id: string; dir: string }> {
  const dataDir = join(work, `data-${n++}`);
  const versions = await ModelVersions.open({ bundledDir, dataDir });
  const saved = await versions.savePersonal({ ...randomModel(MODERN_LENET5, 7), parent: 'modern', card: { title: 'Mine' } });
  await versions.activate(saved.id);
  return { versions, dataDir, id: saved.id, dir: saved.dir };
}

const flipMiddle = (bytes: Buffer) => {
  const out = Buffer.from(bytes);
  out[Math.floor(out.length * 0.6)] ^= 0x5a;
  return out;
};
const withoutIntegrity = async (dir: string) => {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
  delete meta.integrity;
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
};
const zeroedWeightsJson = async (dir: string) => {
  const { spec } = randomModel(MODERN_LENET5, 0);
  const zero = buildNetwork(spec, { seed: 3 }).getWeights();
  for (const t of zero.values()) t.data.fill(0);
  return { json: JSON.stringify(weightsToFile(spec, zero)), onnx: exportOnnx(spec, zero, { metadata: { arch: 'modern' } }), dir };
};

/** Each way a personal model folder can be damaged, and the file the notice must name. */
const DAMAGES: { name: string; file: RegExp; damage(dir: string): Promise<void> }[] = [
  { name: 'model.onnx cut in half', file: /model\.onnx/, damage: async (d) => writeFile(join(d, 'model.onnx'), (await readFile(join(d, 'model.onnx'))).subarray(0, 100_000)) },
  { name: 'model.onnx empty', file: /model\.onnx/, damage: (d) => writeFile(join(d, 'model.onnx'), '') },
  { name: 'model.onnx random bytes', file: /model\.onnx/, damage: (d) => writeFile(join(d, 'model.onnx'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) % 256))) },
  { name: 'one byte of model.onnx flipped', file: /model\.onnx/, damage: async (d) => writeFile(join(d, 'model.onnx'), flipMiddle(await readFile(join(d, 'model.onnx')))) },
  { name: 'model.onnx replaced by another model', file: /model\.onnx/, damage: (d) => cp(join(bundledDir, 'modern', 'model.onnx'), join(d, 'model.onnx')) },
  { name: 'model.onnx deleted', file: /missing/, damage: (d) => unlink(join(d, 'model.onnx')) },
  { name: 'weights.json truncated', file: /weights\.json/, damage: async (d) => writeFile(join(d, 'weights.json'), (await readFile(join(d, 'weights.json'))).subarray(0, 5000)) },
  { name: 'weights.json zeroed', file: /weights\.json/, damage: async (d) => writeFile(join(d, 'weights.json'), (await zeroedWeightsJson(d)).json) },
  {
    name: 'both files zeroed, consistently',
    file: /model\.onnx|weights\.json/,
    damage: async (d) => {
      const z = await zeroedWeightsJson(d);
      await writeFile(join(d, 'weights.json'), z.json);
      await writeFile(join(d, 'model.onnx'), z.onnx);
    },
  },
  { name: 'meta.json damaged', file: /missing/, damage: (d) => writeFile(join(d, 'meta.json'), '{"arch": "mod') },
  // without a recorded digest (a folder written before digests), ONNX Runtime and the parity check still catch these
  { name: 'unsealed, one byte of model.onnx flipped', file: /model\.onnx/, damage: async (d) => { await withoutIntegrity(d); await writeFile(join(d, 'model.onnx'), flipMiddle(await readFile(join(d, 'model.onnx')))); } },
  { name: 'unsealed, model.onnx of another model', file: /disagree/, damage: async (d) => { await withoutIntegrity(d); await cp(join(bundledDir, 'modern', 'model.onnx'), join(d, 'model.onnx')); } },
  { name: 'unsealed, weights.json zeroed', file: /disagree/, damage: async (d) => { await withoutIntegrity(d); await writeFile(join(d, 'weights.json'), (await zeroedWeightsJson(d)).json); } },
];

describe('a damaged model folder is never trusted', () => {
  for (const c of DAMAGES) {
    it(`${c.name}: at start the bundled model serves, with a notice naming what is wrong`, async () => {
      const { versions, id, dir } = await withActivePersonal();
      await c.damage(dir);
      const active = await versions.active({ verify: true });
      expect(active.id).toBe('modern');
      expect(active.notice).toMatch(new RegExp(`active model ${id}`));
      expect(active.notice).toMatch(c.file);
      // the same as a reason the page translates, the fault kept as its detail
      expect(active.noticeReasons).toHaveLength(1);
      expect(active.noticeReasons[0]).toMatchObject({ code: expect.stringMatching(/^fallback\.(cannotLoad|missing)$/), params: { id, fallback: 'modern' } });
      expect(reasonMessage(active.noticeReasons[0])).toBe(active.notice);
      // and it cannot be activated again while damaged
      await expect(versions.activate(id)).rejects.toThrow(/not activated|no model called/);
    });
  }

  it('the core starts on the bundled model with the notice, and predicts', async () => {
    const { versions, dataDir, id, dir } = await withActivePersonal();
    await writeFile(join(dir, 'model.onnx'), flipMiddle(await readFile(join(dir, 'model.onnx'))));
    const store = await SampleStore.open(join(dataDir, 'samples'));
    const core = await createCore({
      roots: modelRoots(bundledDir, dataDir),
      loadModel: (d) => ModelRuntime.load(d),
      version: '1',
      transport: 'web',
      personal: { store, versions, replay: join(work, 'no-replay.bin') },
    });
    try {
      const list = await core.listModels({});
      expect(list.activeId).toBe('modern');
      expect(list.notice).toMatch(new RegExp(`${id} cannot be loaded \\(.*model\\.onnx`));
      expect(list.noticeReasons).toEqual([expect.objectContaining({ code: 'fallback.cannotLoad' })]);
      const ink = (await unipenInks(1))[0];
      expect((await core.predict({ ink: { strokes: ink.strokes } })).modelId).toBe('modern');
    } finally {
      await core.close();
    }
  });

  it('a damaged bundled default gives way to another bundled model; an unsealed bundled model is refused', async () => {
    const shipped = join(work, 'shipped');
    await cp(bundledDir, shipped, { recursive: true });
    await writeFile(join(shipped, 'modern', 'model.onnx'), flipMiddle(await readFile(join(shipped, 'modern', 'model.onnx'))));
    const versions = await ModelVersions.open({ bundledDir: shipped, dataDir: join(work, 'data-bundled') });
    const active = await versions.active({ verify: true });
    expect(active.id).toBe('classic');
    expect(active.notice).toMatch(/bundled model modern cannot be loaded.*model\.onnx/);

    await withoutIntegrity(join(shipped, 'classic'));
    await expect(versions.activate('classic')).rejects.toThrow(/must carry the SHA-256/);
  });

  it('the shipped models carry digests that match their files', async () => {
    const root = join(import.meta.dirname, '../../native-models');
    const versions = await ModelVersions.open({ bundledDir: root, dataDir: join(work, 'data-shipped') });
    const list = await versions.list();
    const bundled = list.versions.filter((v) => v.bundled).map((v) => v.id).sort();
    expect(bundled).toEqual(['classic', 'modern']);
    for (const id of bundled) expect((await versions.activate(id)).parity.probabilities).toBeLessThan(1e-4);
  });
});
