import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../main/onnx/index.ts';
import { readModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';
import { parityInputs } from '../../main/versions/parity-inputs.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { OnnxImportError } from '../../main/versions/onnx-import.ts';

const NATIVE = join(import.meta.dirname, '../../native-models');
let work: string;
let modern: Uint8Array;
let classic: Uint8Array;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnx-import-'));
  modern = new Uint8Array(await readFile(join(NATIVE, 'modern/model.onnx')));
  classic = new Uint8Array(await readFile(join(NATIVE, 'classic/model.onnx')));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let n = 0;
async function fresh(): Promise<{ versions: ModelVersions; dataDir: string }> {
  const dataDir = join(work, `d${++n}`);
  return { versions: await ModelVersions.open({ bundledDir: NATIVE, dataDir }), dataDir };
}

/** The personal models on disk (nothing left behind by a refused import, not even a staging folder). */
async function onDisk(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'models'), { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => !e.endsWith('active.json') && e !== '.staging');
}

async function refusal(p: Promise<unknown>): Promise<OnnxImportError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(OnnxImportError);
  return err as OnnxImportError;
}

/** The shipped modern graph with one change. */
function edited(change: (m: ReturnType<typeof decodeModel>) => void): Uint8Array {
  const m = decodeModel(modern);
  // decoding fills every attribute field with its default; ONNX Runtime wants only the one its type names
  const field: Record<number, string> = { 1: 'f', 2: 'i', 3: 's', 6: 'floats', 7: 'ints' };
  for (const node of m.graph.node) {
    node.attribute = node.attribute.map((a) => ({ name: a.name, type: a.type, [field[a.type]]: (a as unknown as Record<string, unknown>)[field[a.type]] }) as typeof a);
  }
  change(m);
  return encodeModel(m);
}

describe('importing an ONNX model', () => {
  it("takes the app's own export of both shipped models: stored unchanged, marked imported, its outputs the same as the original's", async () => {
    const { versions, dataDir } = await fresh();
    const card = new Uint8Array(await readFile(join(NATIVE, 'modern/meta.json')));
    const r = await versions.importOnnx(modern, 'modern.onnx', { bytes: card, file: 'modern.card.json' });
    expect(r.version.id).toMatch(/^modern-imported-\d{8}-\d{6}$/);
    expect(r.cardTaken).toEqual(expect.arrayContaining(['title', 'i18n', 'testAccuracy', 'recipe']));
    expect(r.cardIgnored).toEqual(expect.arrayContaining(['integrity', 'parent', 'arch']));
    const folder = await readModelFolder(r.version.dir);
    expect(Buffer.from(folder.onnx).equals(Buffer.from(modern))).toBe(true);
    expect(folder.meta.imported).toMatchObject({ file: 'modern.onnx', card: 'modern.card.json' });
    expect(folder.meta.title).toBe('Modern LeNet-5');
    // the weights read from its initializers are the shipped engine weights, exactly
    const shipped = await readModelFolder(join(NATIVE, 'modern'));
    for (const [name, t] of shipped.weights) expect(Array.from(folder.weights.get(name)!.data), name).toEqual(Array.from(t.data));
    // and it runs like the original
    const a = await ModelRuntime.load(r.version.dir);
    const b = await ModelRuntime.load(join(NATIVE, 'modern'));
    const { input, batch } = parityInputs(a.spec);
    expect(Array.from((await a.predict(input, batch)).probabilities)).toEqual(Array.from((await b.predict(input, batch)).probabilities));
    await a.release();
    await b.release();
    // activation verifies it again (ONNX Runtime against the engine) and accepts it
    expect((await versions.activate(r.version.id)).id).toBe(r.version.id);
    expect(await onDisk(dataDir)).toContain(r.version.id);

    const c = await versions.importOnnx(classic, 'classic.onnx');
    expect(c.version.arch).toBe('classic');
    const cf = await readModelFolder(c.version.dir);
    const cs = await readModelFolder(join(NATIVE, 'classic'));
    // the graph holds C3's unconnected kernels as zeros (whatever the weights file keeps there): those are the only differences
    for (const [name, t] of cs.weights) {
      const got = cf.weights.get(name)!.data;
      const differ = Array.from(t.data).flatMap((v, i) => (v === got[i] ? [] : [[name, got[i]]]));
      expect(differ.every(([layer, v]) => layer === 'C3.weight' && v === 0), name).toBe(true);
    }
  });

  it('refuses a file that is not ONNX, a truncated one, a huge one and an empty one, and stores nothing', async () => {
    const { versions, dataDir } = await fresh();
    expect((await refusal(versions.importOnnx(new TextEncoder().encode('{"not": "onnx"}\n'), 'card.onnx'))).reason.code).toBe('onnxImport.notOnnx');
    expect((await refusal(versions.importOnnx(new Uint8Array(0), 'empty.onnx'))).reason.code).toBe('onnxImport.notOnnx');
    const cut = await refusal(versions.importOnnx(modern.subarray(0, Math.floor(modern.length * 0.6)), 'cut.onnx'));
    expect(['onnxImport.notOnnx', 'onnxImport.noWeights', 'onnxImport.missingOutput']).toContain(cut.reason.code);
    const huge = await refusal(versions.importOnnx(new Uint8Array(8 * 1024 * 1024 + 1), 'huge.onnx'));
    expect(huge.reason).toEqual({ code: 'onnxImport.tooLarge', params: { file: 'huge.onnx', bytes: 8 * 1024 * 1024 + 1, max: 8 * 1024 * 1024 } });
    let s = 7;
    const noise = Uint8Array.from({ length: 4096 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24);
    expect((await refusal(versions.importOnnx(noise, 'noise.onnx'))).reason.code).toMatch(/^onnxImport\.(notOnnx|wrongInput)$/);
    expect(await onDisk(dataDir)).toEqual([]);
  });

  it('refuses the wrong input, a missing output, an output of the wrong size, parameters it cannot read and values that are not finite', async () => {
    const { versions, dataDir } = await fresh();
    const smaller = edited((m) => {
      m.graph.input[0].type.tensorType.shape.dim[2] = { dimValue: 20 };
      m.graph.input[0].type.tensorType.shape.dim[3] = { dimValue: 20 };
    });
    const input = await refusal(versions.importOnnx(smaller, 'small.onnx'));
    expect(input.reason).toMatchObject({ code: 'onnxImport.wrongInput', params: { got: 'input [N, 1, 20, 20]' } });
    expect((input.reason.params as Record<string, unknown>).expected).toMatch(/\[N, 1, 28, 28\]/);

    const noF6 = edited((m) => {
      m.graph.output = m.graph.output.filter((o) => o.name !== 'F6');
    });
    expect((await refusal(versions.importOnnx(noF6, 'nof6.onnx'))).reason).toEqual({ code: 'onnxImport.missingOutput', params: { file: 'nof6.onnx', output: 'F6' } });

    const renamed = edited((m) => {
      const t = m.graph.initializer.find((i) => i.name === 'C1.weight')!;
      for (const node of m.graph.node) node.input = node.input.map((x) => (x === 'C1.weight' ? 'conv1_w' : x));
      t.name = 'conv1_w';
    });
    expect((await refusal(versions.importOnnx(renamed, 'torch.onnx'))).reason.code).toBe('onnxImport.noWeights');

    const nan = edited((m) => {
      const bias = m.graph.initializer.find((i) => i.name === 'OUTPUT.bias')!;
      const raw = new Uint8Array(bias.rawData);
      new DataView(raw.buffer).setFloat32(0, Number.NaN, true);
      bias.rawData = raw;
    });
    const notFinite = await refusal(versions.importOnnx(nan, 'nan.onnx'));
    expect(notFinite.reason, notFinite.message).toMatchObject({ code: 'onnxImport.notFinite' });

    // the probabilities output made from F6 instead of the scores: 84 values per image
    const wrongSize = edited((m) => {
      const softmax = m.graph.node.find((node) => node.output.includes('probabilities'))!;
      softmax.input = ['F6'];
    });
    expect((await refusal(versions.importOnnx(wrongSize, 'wide.onnx'))).reason).toMatchObject({ code: 'onnxImport.wrongOutput', params: { output: 'probabilities' } });

    // a card that is not JSON is refused before anything is written
    expect((await refusal(versions.importOnnx(modern, 'm.onnx', { bytes: new TextEncoder().encode('{nope'), file: 'm.card.json' }))).reason.code).toBe('onnxImport.badCard');
    expect(await onDisk(dataDir)).toEqual([]);
  });
});
