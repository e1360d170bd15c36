import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, methodOfChannel } from '../../main/api/channels.ts';
import type { Requests } from '../../main/api/contract.ts';
import type { LenetCore } from '../../main/api/core-port.ts';
import { createHandlers, dispatch } from '../../main/api/handlers.ts';
import { DATA_FOLDER_METHODS, EVENT_NAMES, METHOD_NAMES, METHODS, type DataFolderMethod } from '../../main/api/methods.ts';
import { createCore } from '../../main/core/core.ts';
import { makeModelsDir } from './api-fixtures.ts';

/** One valid request of each data-folder method (the type makes the list complete). */
const VALID: { [M in DataFolderMethod]: Requests[M] } = {
  addSample: { ink: { strokes: [[[0, 0], [1, 1]]] }, label: 1, how: 'saved' },
  listSamples: {},
  relabelSample: { id: 's1', label: 2 },
  deleteSamples: { ids: ['s1'] },
  undoDeleteSamples: { undoToken: 'u1' },
  exportSamples: { format: 'zip' },
  importSamples: { fileName: 'a.jsonl', bytes: new Uint8Array([123, 125]) },
  sampleConfusion: {},
  personalInsight: {},
  topOwnSamples: { layer: 'C1', unit: 0 },
  startTraining: {},
  cancelTraining: {},
  trainingStatus: {},
  finishTraining: { jobId: 'j1', decision: 'keep' },
  startScratchTraining: {},
  controlScratchTraining: { jobId: 'j1', action: 'pause' },
  scratchTrainingStatus: {},
  probeScratchTraining: { jobId: 'j1', image: { width: 28, height: 28, data: new Float32Array(784) } },
  finishScratchTraining: { jobId: 'j1', decision: 'keep' },
};

describe('the contract, derived from one method table', () => {
  it('names each method and event channel lenet:<kebab-case name>, all distinct', () => {
    expect(CHANNELS.listModels).toBe('lenet:list-models');
    expect(CHANNELS.undoDeleteSamples).toBe('lenet:undo-delete-samples');
    expect(EVENTS.trainingProgress).toBe('lenet:training-progress');
    const all = [...METHOD_NAMES.map((m) => CHANNELS[m]), ...EVENT_NAMES.map((e) => EVENTS[e])];
    expect(new Set(all).size).toBe(all.length);
    for (const m of METHOD_NAMES) expect(methodOfChannel(CHANNELS[m])).toBe(m);
    expect(methodOfChannel('lenet:nope')).toBeUndefined();
  });

  it('builds one handler per method, calling the core method of the same name with the parsed request', async () => {
    const calls: [string, unknown][] = [];
    const core = Object.fromEntries(METHOD_NAMES.map((m) => [m, async (request: unknown) => (calls.push([m, request]), `answer of ${m}`)])) as unknown as LenetCore;
    const table = createHandlers(core);
    expect(Object.keys(table).sort()).toEqual(METHOD_NAMES.map((m) => CHANNELS[m]).sort());
    expect(await dispatch(table, CHANNELS.modelInfo, { id: 'modern' })).toEqual({ ok: true, value: 'answer of modelInfo' });
    expect(await dispatch(table, CHANNELS.listModels, undefined)).toEqual({ ok: true, value: 'answer of listModels' });
    expect(calls).toEqual([['modelInfo', { id: 'modern' }], ['listModels', {}]]);
    // refused by the method's own schema before the core sees it
    const refused = await dispatch(table, CHANNELS.modelInfo, { id: '../x' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(calls).toHaveLength(2);
  });

  it('refuses to build a table over a core that lacks a method', () => {
    const core = Object.fromEntries(METHOD_NAMES.filter((m) => m !== 'appInfo').map((m) => [m, async () => null])) as unknown as LenetCore;
    expect(() => createHandlers(core)).toThrow(/does not implement appInfo/);
  });

  it('answers every data-folder method with unavailable when the core has no data folder', async () => {
    expect(DATA_FOLDER_METHODS.sort()).toEqual(METHOD_NAMES.filter((m) => 'dataFolder' in METHODS[m]).sort());
    const models = await makeModelsDir(['modern']);
    const core = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: async () => Promise.reject(new Error('no session needed')), version: '1', transport: 'web' });
    try {
      const table = createHandlers(core);
      for (const m of DATA_FOLDER_METHODS) {
        expect(METHODS[m].request.safeParse(VALID[m]).success, m).toBe(true);
        const result = await dispatch(table, CHANNELS[m], VALID[m]);
        expect(result, m).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/data folder/) } });
      }
    } finally {
      await core.close();
      await models.cleanup();
    }
  });
});
