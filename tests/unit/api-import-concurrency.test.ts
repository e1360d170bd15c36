import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, createHandlers, dispatch, ImportReportSchema, PredictResponseSchema, type HandlerTable } from '../../main/api/index.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

/** An import is parsed off the serving thread: the core answers other requests while it is read. */
let models: Awaited<ReturnType<typeof makeModelsDir>>;
let dataDir: string;
let core: Core;
let table: HandlerTable;
let store: SampleStore;
const inks = await unipenInks(2, 'ced.jsonl');

beforeAll(async () => {
  models = await makeModelsDir(['modern']);
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-import-concurrency-'));
  store = await SampleStore.open(samplesDir(dataDir));
  const versions = await ModelVersions.open({ bundledDir: models.dir, dataDir, defaultId: 'modern' });
  core = await createCore({
    roots: [{ dir: models.dir, bundled: true }, { dir: join(dataDir, 'models'), bundled: false }],
    loadModel: (d) => ModelRuntime.load(d),
    version: '1.0.0', transport: 'web', defaultModelId: 'modern',
    personal: { store, versions, replay: join(dataDir, 'no-replay.bin') },
  });
  table = createHandlers(core);
});

afterAll(async () => {
  await core?.close();
  await rm(dataDir, { recursive: true, force: true });
  await models?.cleanup();
});

describe('an import being parsed does not hold the core', () => {
  it('a predict sent after a 20,000-record import is answered while the import is still being parsed', async () => {
    const line = JSON.stringify({ label: inks[0].label, strokes: inks[0].strokes });
    const bytes = zipSync({ 'samples.jsonl': strToU8(`${line}\n`.repeat(20_000)) });
    expect(bytes.length).toBeLessThan(8 * 1024 * 1024);
    const order: string[] = [];
    // the records are stored once the whole file is parsed: the first write marks the end of parsing
    const spied = store as unknown as { write(sample: unknown): Promise<void> };
    const write = spied.write.bind(store);
    spied.write = async (sample) => {
      if (!order.includes('parsed')) order.push('parsed');
      return write(sample);
    };
    const importing = dispatch(table, CHANNELS.importSamples, { fileName: 'big.zip', bytes }).then((r) => {
      order.push('import');
      return r;
    });
    const predicting = dispatch(table, CHANNELS.predict, { ink: { strokes: inks[1].strokes } }).then((r) => {
      order.push('predict');
      return r;
    });
    const [imported, predicted] = await Promise.all([importing, predicting]);
    expect(order).toEqual(['predict', 'parsed', 'import']);
    if (!predicted.ok || !imported.ok) throw new Error(`a call failed: ${JSON.stringify(predicted.ok ? imported : predicted)}`);
    expect(PredictResponseSchema.parse(predicted.value).probabilities).toHaveLength(10);
    const report = ImportReportSchema.parse(imported.value);
    // the first copy is imported, the 19,999 others are the same drawing with the same label
    expect(report).toMatchObject({ imported: 1, skippedTotal: 19_999, total: 1 });
    expect(report.skipped).toHaveLength(200);
    expect(report.skipped[0].reason).toMatch(/already in the store/);
  });

  it('an over-budget import is refused with code too-large, naming the limit', async () => {
    const bytes = zipSync({ 'samples.jsonl': new Uint8Array(65 * 1024 * 1024).fill(10) });
    const result = await dispatch(table, CHANNELS.importSamples, { fileName: 'bomb.zip', bytes });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('too-large');
    expect(result.error.message).toMatch(/more than 64 MB/);
  });
});
