import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildNetwork, CLASSIC_LENET5, C3_CONNECTIONS, MODERN_LENET5, tensor, type NetworkSpec, type Tensor } from '../../main/engine/index.ts';
import { decodeModel, exportOnnx, OPSET_VERSION, parameterShapes } from '../../main/onnx/index.ts';

/** Every operator the ONNX standard (default domain) defines that our exporter may use. */
const STANDARD_OPS = new Set([
  'Conv', 'MaxPool', 'AveragePool', 'Relu', 'Tanh', 'Sigmoid', 'Mul', 'Add', 'Sub', 'Gemm', 'MatMul',
  'Flatten', 'Reshape', 'ReduceSum', 'Softmax', 'Neg', 'Unsqueeze', 'Identity',
]);

async function runOnnx(spec: NetworkSpec, weights: Map<string, Tensor>, input: number[], batch = 1): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(exportOnnx(spec, weights));
  try {
    const { channels, height, width } = spec.input;
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input), [batch, channels, height, width]) });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...(v.data as Float32Array)]]));
  } finally {
    await session.release();
  }
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i], digits));
}

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe('exported LeNet-5 graphs', () => {
  for (const spec of [MODERN_LENET5, CLASSIC_LENET5]) {
    const model = decodeModel(exportOnnx(spec, buildNetwork(spec, { seed: 3 }).getWeights()));

    it(`${spec.arch}: opset >= 13 of the standard domain, and only standard operators`, () => {
      expect(model.opsetImport).toEqual([{ domain: '', version: OPSET_VERSION }]);
      expect(OPSET_VERSION).toBeGreaterThanOrEqual(13);
      for (const node of model.graph.node) {
        expect(node.domain ?? '', `${node.name} domain`).toBe('');
        expect(STANDARD_OPS.has(node.opType), `${node.opType} is not in the standard list`).toBe(true);
      }
    });

    it(`${spec.arch}: producer and metadata`, () => {
      expect(model.producerName).toBe('LeNet Studio');
      const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      expect(meta.arch).toBe(spec.arch);
      expect(meta.head).toBe(spec.head);
    });

    it(`${spec.arch}: input [N, C, H, W] with a symbolic batch, one output per layer`, () => {
      const dims = (v: (typeof model.graph.input)[number]) => v.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue);
      expect(model.graph.input.map((v) => v.name)).toEqual(['input']);
      expect(dims(model.graph.input[0])).toEqual(['N', 1, spec.input.height, spec.input.width]);
      const outputs = Object.fromEntries(model.graph.output.map((v) => [v.name, dims(v)]));
      expect(Object.keys(outputs)).toEqual(['probabilities', 'C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
      // Shapes from LENET5.md.
      expect(outputs).toEqual({
        probabilities: ['N', 10], C1: ['N', 6, 28, 28], S2: ['N', 6, 14, 14], C3: ['N', 16, 10, 10],
        S4: ['N', 16, 5, 5], C5: ['N', 120, 1, 1], F6: ['N', 84], OUTPUT: ['N', 10],
      });
    });
  }

  it('classic: C3 kernels outside the connection table are zero in the graph', () => {
    const weights = buildNetwork(CLASSIC_LENET5, { seed: 3 }).getWeights();
    // Fill C3 with ones everywhere, connected or not: the export must still honour the table.
    const c3 = weights.get('C3.weight')!;
    weights.set('C3.weight', { shape: c3.shape, data: new Float32Array(c3.data.length).fill(1) });
    const model = decodeModel(exportOnnx(CLASSIC_LENET5, weights));
    const init = model.graph.initializer.find((t) => t.name === 'C3.weight')!;
    expect(init.dims).toEqual([16, 6, 5, 5]);
    const values = new Float32Array(new Uint8Array(init.rawData).buffer); // a copy: decoded bytes may be a view into a pool
    for (let o = 0; o < 16; o++) {
      for (let c = 0; c < 6; c++) {
        const kernel = values.subarray((o * 6 + c) * 25, (o * 6 + c + 1) * 25);
        const expected = C3_CONNECTIONS[o].includes(c) ? 1 : 0;
        expect(kernel.every((v) => v === expected), `C3 map ${o} <- S2 map ${c}`).toBe(true);
      }
    }
  });

  it('names the missing or misshapen parameter', () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights();
    weights.delete('F6.bias');
    expect(() => exportOnnx(MODERN_LENET5, weights)).toThrow(/parameter F6\.bias is missing/);
    weights.set('F6.bias', tensor([85]));
    expect(() => exportOnnx(MODERN_LENET5, weights)).toThrow(/F6\.bias has shape \[85\], expected \[84\]/);
  });
});

describe('exported operators against hand-worked values (ONNX Runtime)', () => {
  it('conv with padding and stride', async () => {
    const spec: NetworkSpec = {
      arch: 't', head: 'softmax', input: { channels: 1, height: 3, width: 3 },
      layers: [{ kind: 'conv', name: 'C', filters: 1, kernel: 3, padding: 1, stride: 2 }, { kind: 'flatten', name: 'F' }],
    };
    const weights = new Map([['C.weight', tensor([1, 1, 3, 3], new Array(9).fill(1))], ['C.bias', tensor([1], [0.5])]]);
    const out = await runOnnx(spec, weights, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Windows centred on (0,0), (0,2), (2,0), (2,2) of [1 2 3; 4 5 6; 7 8 9], zero padded.
    expectClose(out.C, [12.5, 16.5, 24.5, 28.5]);
    expectClose(out.F, [12.5, 16.5, 24.5, 28.5]);
    expectClose(out.probabilities, softmax([12.5, 16.5, 24.5, 28.5]));
  });

  it('conv with a connection table ignores unconnected kernels', async () => {
    const spec: NetworkSpec = {
      arch: 't', head: 'softmax', input: { channels: 2, height: 1, width: 1 },
      layers: [{ kind: 'conv', name: 'C', filters: 2, kernel: 1, connections: [[0], [0, 1]] }, { kind: 'flatten', name: 'F' }],
    };
    const weights = new Map([['C.weight', tensor([2, 2, 1, 1], [1, 1, 1, 1])], ['C.bias', tensor([2], [0, 0])]]);
    const out = await runOnnx(spec, weights, [3, 5]);
    expectClose(out.C, [3, 8]);
  });

  it('trainable subsampling: window sum x coef + bias, per map', async () => {
    const spec: NetworkSpec = {
      arch: 't', head: 'softmax', input: { channels: 2, height: 2, width: 4 },
      layers: [{ kind: 'subsample', name: 'S', size: 2 }, { kind: 'flatten', name: 'F' }],
    };
    const weights = new Map([['S.coef', tensor([2], [0.5, -1])], ['S.bias', tensor([2], [1, 0])]]);
    const out = await runOnnx(spec, weights, [1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 1, 1, 1, 1]);
    // Map 0: sums 1+2+5+6 = 14 and 3+4+7+8 = 22 -> 8 and 12; map 1: sums 4 and 4 -> -4 and -4.
    expectClose(out.S, [8, 12, -4, -4]);
  });

  it('max and average pooling, then a dense layer over the C,H,W-flattened input', async () => {
    const spec: NetworkSpec = {
      arch: 't', head: 'softmax', input: { channels: 1, height: 2, width: 4 },
      layers: [
        { kind: 'maxpool', name: 'M', size: [2, 2] },
        { kind: 'dense', name: 'D', units: 2 },
      ],
    };
    const weights = new Map([['D.weight', tensor([2, 2], [1, 10, 0, -1])], ['D.bias', tensor([2], [0.5, 0])]]);
    const out = await runOnnx(spec, weights, [1, 2, 3, 9, 5, 6, 7, 8]);
    expectClose(out.M, [6, 9]);
    expectClose(out.D, [96.5, -9]);
    const avg: NetworkSpec = { ...spec, layers: [{ kind: 'avgpool', name: 'A', size: 2 }, { kind: 'flatten', name: 'F' }] };
    expectClose((await runOnnx(avg, new Map(), [1, 2, 3, 9, 5, 6, 7, 8])).A, [3.5, 6.75]);
  });

  for (const [fn, f] of [
    ['relu', (x: number) => Math.max(0, x)],
    ['sigmoid', (x: number) => 1 / (1 + Math.exp(-x))],
    ['tanh', Math.tanh],
    ['lecun-tanh', (x: number) => 1.7159 * Math.tanh((2 / 3) * x)],
    ['identity', (x: number) => x],
  ] as const) {
    it(`activation ${fn}`, async () => {
      const spec: NetworkSpec = {
        arch: 't', head: 'softmax', input: { channels: 1, height: 1, width: 5 },
        layers: [{ kind: 'activation', name: 'A', fn }, { kind: 'flatten', name: 'F' }],
      };
      const xs = [-3, -0.5, 0, 1, 2.5];
      expectClose((await runOnnx(spec, new Map(), xs)).A, xs.map(f));
    });
  }

  it('RBF distances and softmax of their negatives, for a batch of two', async () => {
    const spec: NetworkSpec = {
      arch: 't', head: 'rbf', input: { channels: 1, height: 1, width: 2 },
      layers: [{ kind: 'rbf', name: 'R', centres: [[0, 0], [1, 2], [3, -1]] }],
    };
    const out = await runOnnx(spec, new Map(), [1, 1, 3, -1], 2);
    // x = (1, 1): 1+1, 0+1, 4+4; x = (3, -1): 9+1, 4+9, 0.
    expectClose(out.R, [2, 1, 8, 10, 13, 0]);
    expectClose(out.probabilities, [...softmax([-2, -1, -8]), ...softmax([-10, -13, 0])]);
  });
});

describe('parameterShapes', () => {
  it('matches the engine network parameter for parameter', () => {
    for (const spec of [MODERN_LENET5, CLASSIC_LENET5]) {
      const engine = new Map([...buildNetwork(spec).getWeights()].map(([k, t]) => [k, [...t.shape]]));
      expect(parameterShapes(spec)).toEqual(engine);
    }
  });
});
