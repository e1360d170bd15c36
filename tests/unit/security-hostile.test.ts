import { describe, expect, it } from 'vitest';
import { CHANNELS, METHOD_NAMES, type MethodName } from '../../main/api/channels.ts';
import type { LenetCore } from '../../main/api/core-port.ts';
import { createHandlers, dispatch } from '../../main/api/handlers.ts';

/**
 * Hostile payloads written by hand, per request method, each with the refusal it must get: 'bad-request',
 * naming the offending field where there is one. The production schemas are not consulted: this list is
 * the independent oracle (a schema that started accepting "../../etc/passwd" as a model id fails here).
 * Each goes through dispatch(table, channel, payload), as both transports call it, over a fake core that
 * records whether any of its methods was reached: for a refused payload none may be.
 */
interface Hostile {
  readonly what: string;
  readonly payload: unknown;
  /** The field the refusal must name (its path in the request), when there is one. */
  readonly field?: string;
}

const ink = { strokes: [[[10, 10], [20, 30]]] };
const long = 'a'.repeat(65);
const polluted = (json: string) => JSON.parse(json) as unknown;

/** Model ids name folders on disk. */
const badModelIds = (build: (id: unknown) => unknown, field: string): Hostile[] => [
  { what: 'path traversal', payload: build('../../etc/passwd'), field },
  { what: 'parent folder', payload: build('..'), field },
  { what: 'hidden name', payload: build('.active'), field },
  { what: 'separator', payload: build('a/b'), field },
  { what: 'windows separator', payload: build('a\\b'), field },
  { what: 'absolute path', payload: build('/etc/passwd'), field },
  { what: 'drive path', payload: build('C:\\models'), field },
  { what: 'NUL byte', payload: build('modern\u0000.onnx'), field },
  { what: 'empty', payload: build(''), field },
  { what: 'over-long', payload: build(long), field },
  { what: 'number', payload: build(7), field },
  { what: 'array', payload: build(['modern']), field },
  { what: 'object', payload: build({ toString: 'modern' }), field },
];

/** Sample ids and undo tokens name files in the store; job ids name jobs. */
const badNames = (build: (id: unknown) => unknown, field: string): Hostile[] => [
  { what: 'path traversal', payload: build('../items/x'), field },
  { what: 'parent folder', payload: build('..'), field },
  { what: 'separator', payload: build('a/b'), field },
  { what: 'absolute path', payload: build('/etc/passwd'), field },
  { what: 'NUL byte', payload: build('abc\u0000'), field },
  { what: 'dot', payload: build('a.json'), field },
  { what: 'empty', payload: build(''), field },
  { what: 'over-long', payload: build(long), field },
  { what: 'number', payload: build(12), field },
  { what: 'null', payload: build(null), field },
];

const badDigits = (build: (d: unknown) => unknown, field: string): Hostile[] => [
  { what: 'digit 10', payload: build(10), field },
  { what: 'digit -1', payload: build(-1), field },
  { what: 'fraction', payload: build(2.5), field },
  { what: 'NaN', payload: build(Number.NaN), field },
  { what: 'Infinity', payload: build(Number.POSITIVE_INFINITY), field },
  { what: 'digit as text', payload: build('3'), field },
];

/** What every request must refuse whatever its fields: not an object, or an object with more than it knows. */
const notARequest = (valid: Record<string, unknown>): Hostile[] => [
  { what: 'null', payload: null },
  { what: 'a number', payload: 1 },
  { what: 'a string', payload: 'predict' },
  { what: 'an array', payload: [valid] },
  { what: 'an extra key', payload: { ...valid, extra: true }, field: 'extra' },
  { what: '__proto__ key', payload: polluted(`{"__proto__": {"polluted": 1}${Object.keys(valid).length ? ',' + JSON.stringify(valid).slice(1, -1) : ''}}`), field: '__proto__' },
  { what: 'constructor key', payload: { ...valid, constructor: { prototype: { polluted: 1 } } }, field: 'constructor' },
];

const badInks = (build: (ink: unknown) => unknown): Hostile[] => [
  { what: 'no ink', payload: build(undefined), field: 'ink' },
  { what: 'ink as text', payload: build('strokes'), field: 'ink' },
  { what: 'strokes as text', payload: build({ strokes: 'x' }), field: 'ink.strokes' },
  { what: 'coordinates as text', payload: build({ strokes: [[['1', '2']]] }), field: 'ink.strokes' },
  { what: 'a point of one number', payload: build({ strokes: [[[1]]] }), field: 'ink.strokes' },
  { what: 'a point of five numbers', payload: build({ strokes: [[[1, 2, 3, 4, 5]]] }), field: 'ink.strokes' },
  { what: 'NaN coordinate', payload: build({ strokes: [[[Number.NaN, 2]]] }), field: 'ink.strokes' },
  { what: 'Infinity coordinate', payload: build({ strokes: [[[1, Number.POSITIVE_INFINITY]]] }), field: 'ink.strokes' },
  { what: 'huge coordinate', payload: build({ strokes: [[[1e300, 2]]] }), field: 'ink.strokes' },
  { what: 'too many strokes', payload: build({ strokes: Array.from({ length: 1001 }, () => [[1, 2]]) }), field: 'strokes' },
];

const labRequest = {
  input: { channels: 1, height: 2, width: 2, data: Float32Array.of(1, 2, 3, 4) },
  kernels: { outMaps: 1, height: 1, width: 1, data: Float32Array.of(1) },
  bias: [0],
  stride: [1, 1],
  padding: [0, 0],
  activation: { fn: 'relu' },
};

const HOSTILE: Record<MethodName, Hostile[]> = {
  predict: [
    ...notARequest({ ink }),
    ...badInks((i) => ({ ink: i })),
    ...badModelIds((id) => ({ ink, modelId: id }), 'modelId'),
    { what: 'withSteps as text', payload: { ink, withSteps: 'yes' }, field: 'withSteps' },
  ],
  explainDrawing: [
    ...notARequest({ ink }),
    ...badInks((i) => ({ ink: i })),
    ...badModelIds((id) => ({ ink, modelId: id }), 'modelId'),
    ...badDigits((d) => ({ ink, target: d }), 'target'),
    ...badDigits((d) => ({ ink, target: 1, versus: d }), 'versus'),
    { what: 'integratedSteps huge', payload: { ink, integratedSteps: 100_000 }, field: 'integratedSteps' },
    { what: 'integratedSteps negative', payload: { ink, integratedSteps: -1 }, field: 'integratedSteps' },
  ],
  topActivations: [
    ...notARequest({ layer: 'C1', unit: 0 }),
    ...badModelIds((id) => ({ modelId: id, layer: 'C1', unit: 0 }), 'modelId'),
    { what: 'layer traversal', payload: { layer: '../x', unit: 0 }, field: 'layer' },
    { what: 'no unit', payload: { layer: 'C1' }, field: 'unit' },
    { what: 'unit negative', payload: { layer: 'C1', unit: -1 }, field: 'unit' },
    { what: 'unit huge', payload: { layer: 'C1', unit: 1e9 }, field: 'unit' },
    { what: 'unit fractional', payload: { layer: 'C1', unit: 1.5 }, field: 'unit' },
  ],
  topOwnSamples: [
    ...notARequest({ layer: 'C1', unit: 0 }),
    ...badModelIds((id) => ({ modelId: id, layer: 'C1', unit: 0 }), 'modelId'),
    { what: 'layer traversal', payload: { layer: '../x', unit: 0 }, field: 'layer' },
    { what: 'no unit', payload: { layer: 'C1' }, field: 'unit' },
    { what: 'unit negative', payload: { layer: 'C1', unit: -1 }, field: 'unit' },
    { what: 'unit huge', payload: { layer: 'C1', unit: 1e9 }, field: 'unit' },
    { what: 'unit fractional', payload: { layer: 'C1', unit: 1.5 }, field: 'unit' },
  ],
  featureVisualization: [
    ...notARequest({ layer: 'C1', unit: 0 }),
    ...badModelIds((id) => ({ modelId: id, layer: 'C1', unit: 0 }), 'modelId'),
    { what: 'layer traversal', payload: { layer: '../x', unit: 0 }, field: 'layer' },
    { what: 'unit negative', payload: { layer: 'C1', unit: -1 }, field: 'unit' },
  ],
  cancelFeatureVisualization: notARequest({}),
  listModels: notARequest({}),
  modelInfo: [...notARequest({ id: 'modern' }), ...badModelIds((id) => ({ id }), 'id'), { what: 'no id', payload: {}, field: 'id' }],
  activateModel: [...notARequest({ id: 'modern' }), ...badModelIds((id) => ({ id }), 'id'), { what: 'no id', payload: {}, field: 'id' }],
  layerKernels: [
    ...notARequest({ layer: 'C1' }),
    ...badModelIds((id) => ({ modelId: id, layer: 'C1' }), 'modelId'),
    { what: 'layer traversal', payload: { layer: 'C1/../../x' }, field: 'layer' },
    { what: 'layer absolute path', payload: { layer: '/etc/passwd' }, field: 'layer' },
    { what: 'layer NUL byte', payload: { layer: 'C1\u0000' }, field: 'layer' },
    { what: 'layer empty', payload: { layer: '' }, field: 'layer' },
    { what: 'layer over-long', payload: { layer: 'C'.repeat(33) }, field: 'layer' },
    { what: 'layer as array', payload: { layer: ['C1'] }, field: 'layer' },
    { what: 'layer __proto__', payload: { layer: '__proto__.x' }, field: 'layer' },
  ],
  appInfo: notARequest({}),
  setViewState: [
    ...notARequest({ presenting: true }),
    { what: 'presenting as text', payload: { presenting: 'yes' }, field: 'presenting' },
    { what: 'no presenting', payload: {}, field: 'presenting' },
  ],
  removeModel: [...notARequest({ id: 'modern' }), ...badModelIds((id) => ({ id }), 'id')],
  exportModel: [...notARequest({ id: 'modern' }), ...badModelIds((id) => ({ id }), 'id'), { what: 'no id', payload: {}, field: 'id' }],
  importModel: [
    ...notARequest({ fileName: 'm.onnx', bytes: new Uint8Array([8, 7]) }),
    { what: 'the file as base64 text', payload: { fileName: 'm.onnx', bytes: 'CAc=' }, field: 'bytes' },
    { what: 'the file as an array of numbers', payload: { fileName: 'm.onnx', bytes: [8, 7] }, field: 'bytes' },
    { what: 'empty file', payload: { fileName: 'm.onnx', bytes: new Uint8Array(0) }, field: 'bytes' },
    { what: 'over the import limit', payload: { fileName: 'm.onnx', bytes: new Uint8Array(8 * 1024 * 1024 + 1) }, field: 'bytes' },
    { what: 'empty file name', payload: { fileName: '', bytes: new Uint8Array([1]) }, field: 'fileName' },
    { what: 'card as text', payload: { fileName: 'm.onnx', bytes: new Uint8Array([1]), card: '{}' }, field: 'card' },
    { what: 'card over 1 MB', payload: { fileName: 'm.onnx', bytes: new Uint8Array([1]), card: { fileName: 'c.json', bytes: new Uint8Array(1024 * 1024 + 1) } }, field: 'card.bytes' },
    { what: 'card with an extra key', payload: { fileName: 'm.onnx', bytes: new Uint8Array([1]), card: { fileName: 'c.json', bytes: new Uint8Array(1), path: '/etc' } }, field: 'card' },
  ],
  addSample: [
    ...notARequest({ ink, label: 3, how: 'saved' }),
    ...badInks((i) => ({ ink: i, label: 3, how: 'saved' })),
    ...badDigits((d) => ({ ink, label: d, how: 'saved' }), 'label'),
    ...badDigits((d) => ({ ink, label: 3, how: 'corrected', predicted: d }), 'predicted'),
    ...badModelIds((id) => ({ ink, label: 3, how: 'corrected', predicted: 5, modelId: id }), 'modelId'),
    { what: 'imported is not for the canvas', payload: { ink, label: 3, how: 'imported' }, field: 'how' },
    { what: 'how unknown', payload: { ink, label: 3, how: 'stolen' }, field: 'how' },
  ],
  listSamples: [...notARequest({}), ...badDigits((d) => ({ label: d }), 'label')],
  relabelSample: [
    ...notARequest({ id: 'abc', label: 1 }),
    ...badNames((id) => ({ id, label: 1 }), 'id'),
    ...badDigits((d) => ({ id: 'abc', label: d }), 'label'),
  ],
  deleteSamples: [
    ...notARequest({ ids: ['abc'] }),
    ...badNames((id) => ({ ids: ['abc', id] }), 'ids.1'),
    { what: 'no ids', payload: { ids: [] }, field: 'ids' },
    { what: 'ids as text', payload: { ids: 'abc' }, field: 'ids' },
    { what: 'huge array', payload: { ids: Array.from({ length: 10_001 }, (_, i) => `s${i}`) }, field: 'ids' },
  ],
  undoDeleteSamples: [...notARequest({ undoToken: 'abc' }), ...badNames((t) => ({ undoToken: t }), 'undoToken')],
  exportSamples: [
    ...notARequest({ format: 'zip' }),
    { what: 'format unknown', payload: { format: 'tar' }, field: 'format' },
    { what: 'format as a path', payload: { format: '../../etc/passwd' }, field: 'format' },
    { what: 'no format', payload: {}, field: 'format' },
  ],
  importSamples: [
    ...notARequest({ fileName: 'a.zip', bytes: new Uint8Array([0x50, 0x4b, 3, 4]) }),
    { what: 'the file as base64 text', payload: { fileName: 'a.zip', bytes: 'UEsDBA==' }, field: 'bytes' },
    { what: 'the file as an array of numbers', payload: { fileName: 'a.zip', bytes: [0x50, 0x4b, 3, 4] }, field: 'bytes' },
    { what: 'the file as floats', payload: { fileName: 'a.zip', bytes: new Float32Array(4) }, field: 'bytes' },
    { what: 'empty file', payload: { fileName: 'a.zip', bytes: new Uint8Array(0) }, field: 'bytes' },
    { what: 'over the import limit', payload: { fileName: 'a.zip', bytes: new Uint8Array(8 * 1024 * 1024 + 1) }, field: 'bytes' },
    { what: 'bytes as number', payload: { fileName: 'a.zip', bytes: 12 }, field: 'bytes' },
    { what: 'the old base64 field', payload: { fileName: 'a.zip', base64: 'UEsDBA==' }, field: 'bytes' },
    { what: 'empty file name', payload: { fileName: '', bytes: new Uint8Array([1]) }, field: 'fileName' },
    { what: 'over-long file name', payload: { fileName: `${'a'.repeat(256)}.zip`, bytes: new Uint8Array([1]) }, field: 'fileName' },
    { what: 'file name as array', payload: { fileName: ['a.zip'], bytes: new Uint8Array([1]) }, field: 'fileName' },
  ],
  sampleConfusion: [...notARequest({}), ...badModelIds((id) => ({ modelId: id }), 'modelId')],
  startTraining: [
    ...notARequest({}),
    { what: 'zero epochs', payload: { epochs: 0 }, field: 'epochs' },
    { what: 'too many epochs', payload: { epochs: 51 }, field: 'epochs' },
    { what: 'fractional epochs', payload: { epochs: 1.5 }, field: 'epochs' },
    { what: 'NaN epochs', payload: { epochs: Number.NaN }, field: 'epochs' },
    { what: 'Infinity epochs', payload: { epochs: Number.POSITIVE_INFINITY }, field: 'epochs' },
    { what: 'epochs as text', payload: { epochs: '5' }, field: 'epochs' },
    { what: 'layers unknown', payload: { layers: 'C1' }, field: 'layers' },
    { what: 'layers as list', payload: { layers: ['C1'] }, field: 'layers' },
    ...badModelIds((id) => ({ baseModelId: id }), 'baseModelId'),
  ],
  cancelTraining: [...notARequest({}), ...badNames((id) => ({ jobId: id }), 'jobId')],
  trainingStatus: notARequest({}),
  personalInsight: notARequest({}),
  finishTraining: [
    ...notARequest({ jobId: 'ft-1', decision: 'keep' }),
    ...badNames((id) => ({ jobId: id, decision: 'keep' }), 'jobId'),
    { what: 'decision unknown', payload: { jobId: 'ft-1', decision: 'delete-all' }, field: 'decision' },
    { what: 'no decision', payload: { jobId: 'ft-1' }, field: 'decision' },
  ],
  startScratchTraining: [
    ...notARequest({}),
    { what: 'too few digits', payload: { options: { trainDigits: 999 } }, field: 'options.trainDigits' },
    { what: 'more digits than MNIST has', payload: { options: { trainDigits: 60_001 } }, field: 'options.trainDigits' },
    { what: 'zero epochs', payload: { options: { epochs: 0 } }, field: 'options.epochs' },
    { what: 'NaN learning rate', payload: { options: { learningRate: Number.NaN } }, field: 'options.learningRate' },
    { what: 'negative learning rate', payload: { options: { learningRate: -1 } }, field: 'options.learningRate' },
    { what: 'fractional batch', payload: { options: { batchSize: 1.5 } }, field: 'options.batchSize' },
    { what: 'architecture unknown', payload: { options: { arch: 'resnet' } }, field: 'options.arch' },
    { what: 'an unknown option', payload: { options: { threads: 16 } }, field: 'threads' },
  ],
  controlScratchTraining: [
    ...notARequest({ jobId: 'sc-1', action: 'pause' }),
    ...badNames((id) => ({ jobId: id, action: 'pause' }), 'jobId'),
    { what: 'action unknown', payload: { jobId: 'sc-1', action: 'rewind' }, field: 'action' },
  ],
  scratchTrainingStatus: notARequest({}),
  probeScratchTraining: [
    ...notARequest({ jobId: 'sc-1', image: { width: 28, height: 28, data: new Float32Array(784) } }),
    ...badNames((id) => ({ jobId: id, image: { width: 28, height: 28, data: new Float32Array(784) } }), 'jobId'),
    { what: 'image as a JSON array', payload: { jobId: 'sc-1', image: { width: 28, height: 28, data: [0] } }, field: 'image.data' },
  ],
  finishScratchTraining: [
    ...notARequest({ jobId: 'sc-1', decision: 'keep' }),
    ...badNames((id) => ({ jobId: id, decision: 'keep' }), 'jobId'),
    { what: 'decision unknown', payload: { jobId: 'sc-1', decision: 'delete-all' }, field: 'decision' },
  ],
  labPresets: notARequest({}),
  labConvolve: [
    ...notARequest(labRequest),
    { what: 'input as a JSON array', payload: { ...labRequest, input: { ...labRequest.input, data: [1, 2, 3, 4] } }, field: 'input.data' },
    { what: 'input data of the wrong length', payload: { ...labRequest, input: { ...labRequest.input, data: new Float32Array(5) } }, field: 'input.data' },
    { what: 'NaN in the input', payload: { ...labRequest, input: { ...labRequest.input, data: Float32Array.of(1, Number.NaN, 3, 4) } }, field: 'input.data' },
    { what: 'Infinity in the kernel', payload: { ...labRequest, kernels: { ...labRequest.kernels, data: Float32Array.of(Number.POSITIVE_INFINITY) } }, field: 'kernels.data' },
    { what: 'a 4096x4096 input', payload: { ...labRequest, input: { channels: 1, height: 4096, width: 4096, data: new Float32Array(1) } }, field: 'input.height' },
    { what: 'a 99x99 kernel', payload: { ...labRequest, kernels: { outMaps: 1, height: 99, width: 99, data: new Float32Array(1) } }, field: 'kernels.height' },
    { what: 'too many channels', payload: { ...labRequest, input: { channels: 1000, height: 1, width: 1, data: new Float32Array(1000) } }, field: 'input.channels' },
    { what: 'kernel data of the wrong length', payload: { ...labRequest, kernels: { ...labRequest.kernels, data: new Float32Array(2) } }, field: 'kernels.data' },
    { what: 'two biases for one map', payload: { ...labRequest, bias: [0, 0] }, field: 'bias' },
    { what: 'stride 0', payload: { ...labRequest, stride: [0, 1] }, field: 'stride.0' },
    { what: 'negative padding', payload: { ...labRequest, padding: [0, -1] }, field: 'padding.1' },
    { what: 'fractional stride', payload: { ...labRequest, stride: [1.5, 1] }, field: 'stride.0' },
    { what: 'activation unknown', payload: { ...labRequest, activation: { fn: 'eval' } }, field: 'activation.fn' },
    { what: 'slope 5', payload: { ...labRequest, activation: { fn: 'leaky-relu', slope: 5 } }, field: 'activation.slope' },
    { what: 'pool kind unknown', payload: { ...labRequest, pool: { kind: 'min', size: [2, 2], stride: [2, 2] } }, field: 'pool.kind' },
    { what: 'negative unit', payload: { ...labRequest, unit: { map: 0, row: -1, col: 0 } }, field: 'unit.row' },
  ],
  labLayers: [
    ...notARequest({ preset: 'alexnet-conv1' }),
    { what: 'preset unknown', payload: { preset: '../x' }, field: 'preset' },
    { what: 'neither preset nor chain', payload: {} },
    { what: 'no layers', payload: { chain: { input: [1, 28, 28], layers: [] } }, field: 'chain.layers' },
    { what: 'a layer kind unknown', payload: { chain: { input: [1, 28, 28], layers: [{ kind: 'lstm', name: 'x' }] } }, field: 'chain.layers.0.kind' },
    { what: 'a billion filters', payload: { chain: { input: [1, 28, 28], layers: [{ kind: 'conv', name: 'c', filters: 1e9, kernel: [3, 3], stride: [1, 1], padding: [0, 0] }] } }, field: 'chain.layers.0.filters' },
    { what: 'a layer name with a slash', payload: { chain: { input: [1, 28, 28], layers: [{ kind: 'dense', name: 'a/b', units: 3 }] } }, field: 'chain.layers.0.name' },
  ],
  unitWorkedSum: [
    ...notARequest({ ink, layer: 'C1', map: 0, row: 0, col: 0 }),
    ...badInks((i) => ({ ink: i, layer: 'C1', map: 0, row: 0, col: 0 })),
    ...badModelIds((id) => ({ ink, modelId: id, layer: 'C1', map: 0, row: 0, col: 0 }), 'modelId'),
    { what: 'layer traversal', payload: { ink, layer: '../C1', map: 0, row: 0, col: 0 }, field: 'layer' },
    { what: 'negative map', payload: { ink, layer: 'C1', map: -1, row: 0, col: 0 }, field: 'map' },
    { what: 'fractional row', payload: { ink, layer: 'C1', map: 0, row: 0.5, col: 0 }, field: 'row' },
    { what: 'no column', payload: { ink, layer: 'C1', map: 0, row: 0 }, field: 'col' },
  ],
};

/** A core whose every member records that it was reached (and answers nothing useful). */
function recordingCore(): { core: LenetCore; reached: string[] } {
  const reached: string[] = [];
  const core = new Proxy({}, {
    // the handler table looks every method up when it is built; what counts is a call
    get(_target, prop) {
      return () => {
        reached.push(String(prop));
        return Promise.reject(new Error(`the fake core's ${String(prop)} was reached`));
      };
    },
  }) as LenetCore;
  return { core, reached };
}

describe('hostile payloads, per method, against a hand-written oracle', () => {
  it('every method of the contract has its list of hostile payloads', () => {
    const missing = METHOD_NAMES.filter((m) => !(HOSTILE[m]?.length > 0));
    expect(missing).toEqual([]);
    expect(Object.keys(HOSTILE).sort()).toEqual([...METHOD_NAMES].sort());
  });

  for (const method of METHOD_NAMES) {
    it(`${method}: every hostile payload is refused as a bad request before the core is reached`, async () => {
      const cases = HOSTILE[method] ?? [];
      expect(cases.length, `${method} has no hostile payloads`).toBeGreaterThan(0);
      for (const c of cases) {
        const { core, reached } = recordingCore();
        const table = createHandlers(core);
        const result = await dispatch(table, CHANNELS[method], c.payload);
        const what = `${method} / ${c.what}`;
        expect(result.ok, what).toBe(false);
        if (result.ok) continue;
        expect(result.error.code, `${what}: ${result.error.message}`).toBe('bad-request');
        expect(result.error.message, what).toMatch(new RegExp(`^${method}: `));
        if (c.field) expect(result.error.message, what).toContain(c.field);
        expect(reached, `${what}: the core was reached`).toEqual([]);
      }
    });
  }

  it('the fake core does record a payload that gets through (the check above can fail)', async () => {
    const { core, reached } = recordingCore();
    const table = createHandlers(core);
    const result = await dispatch(table, CHANNELS.modelInfo, { id: 'modern' });
    expect(result.ok).toBe(false);
    expect(reached).toContain('modelInfo');
  });
});
