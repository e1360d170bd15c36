import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ink } from '../../main/api/contract.ts';
import type { LoadedModel } from '../../main/api/core-port.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

/** ONNX Runtime sessions as the core opens and releases them, counted. */
function countingLoader() {
  const open = new Map<number, string>();
  let next = 0;
  const log: string[] = [];
  let gate: Promise<void> | null = null;
  const load = async (dir: string): Promise<LoadedModel> => {
    const runtime = await ModelRuntime.load(dir);
    const n = next++;
    const name = dir.split('/').at(-1)!;
    open.set(n, name);
    log.push(`open ${name}`);
    return {
      spec: runtime.spec,
      weights: runtime.weights,
      predict: async (input, batch) => {
        if (gate) await gate;
        if (!open.has(n)) throw new Error(`predict on a released session of ${name}`);
        return runtime.predict(input, batch);
      },
      release: async () => {
        open.delete(n);
        log.push(`release ${name}`);
        await runtime.release();
      },
    };
  };
  return { load, open, log, hold: () => { let release!: () => void; gate = new Promise((r) => (release = r)); return () => { gate = null; release(); }; } };
}

let models: Awaited<ReturnType<typeof makeModelsDir>>;
let sessions: ReturnType<typeof countingLoader>;
let core: Core;
let ink: Ink;

beforeAll(async () => {
  models = await makeModelsDir(['modern', 'classic']);
  sessions = countingLoader();
  core = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: sessions.load, version: '1', transport: 'web', defaultModelId: 'modern' });
  ink = { strokes: (await unipenInks(1))[0].strokes };
});

afterAll(async () => {
  await core?.close();
  await models?.cleanup();
});

describe('ONNX Runtime sessions the core keeps open', () => {
  it('describes every model and shows its kernels without opening a session', async () => {
    const { models: listed } = await core.listModels({});
    for (const m of listed) {
      await core.modelInfo({ id: m.id });
      await core.layerKernels({ modelId: m.id, layer: 'C1' });
    }
    expect(sessions.log).toEqual([]);
  });

  it('keeps only the active model open; another model predicts through a session released after the call', async () => {
    await core.predict({ ink });
    await core.predict({ ink });
    expect([...sessions.open.values()]).toEqual(['modern']);
    const other = await core.predict({ ink, modelId: 'classic' });
    expect(other.arch).toBe('classic');
    expect([...sessions.open.values()]).toEqual(['modern']);
    expect(sessions.log).toEqual(['open modern', 'open classic', 'release classic']);
  });

  it('on activation swaps the session, releasing the old one only after the requests using it end', async () => {
    const resume = sessions.hold();
    const inFlight = core.predict({ ink }); // on modern, held inside ONNX Runtime
    const list = await core.activateModel({ id: 'classic' });
    expect(list.activeId).toBe('classic');
    expect(sessions.open.size).toBe(2); // modern is still in use
    resume();
    expect((await inFlight).arch).toBe('modern');
    await new Promise((r) => setTimeout(r, 0));
    expect([...sessions.open.values()]).toEqual(['classic']);
    expect((await core.predict({ ink })).arch).toBe('classic');
    expect([...sessions.open.values()]).toEqual(['classic']);
  });

  it('releases everything on close', async () => {
    await core.close();
    expect(sessions.open.size).toBe(0);
  });
});
