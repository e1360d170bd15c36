import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  activation, avgPool, buildNetwork, CLASSIC_LENET5, conv2d, dense, maxPool, MODERN_LENET5, networkInfo, parameterTensors, rbf,
  Rng, subsample, tensor, totalMacs, totalParams, type Activation, type LayerInfo, type LayerSpec, type NetworkSpec, type Tensor,
} from '../../main/engine/index.ts';

/**
 * The engine's layer description against LENET5.md worked by hand, and against what the engine's
 * own ops compute, layer by layer, on random networks.
 */

const byName = (infos: readonly LayerInfo[]) => Object.fromEntries(infos.map((l) => [l.name, l]));
const tensorsOf = (l: LayerInfo) => l.tensors.map((t) => [t.name, t.shape, t.trainable, t.decays]);

describe('the layer description of modern LeNet-5 (LENET5.md)', () => {
  const infos = networkInfo(MODERN_LENET5);
  const L = byName(infos);

  it('shapes, roles and resolved windows', () => {
    expect(infos.map((l) => [l.name, l.kind, l.role])).toEqual([
      ['C1', 'conv', 'windowed'], ['S2', 'maxpool', 'windowed'], ['C3', 'conv', 'windowed'], ['S4', 'maxpool', 'windowed'],
      ['C5', 'conv', 'windowed'], ['F6', 'dense', 'fully-connected'], ['OUTPUT', 'dense', 'fully-connected'],
    ]);
    expect(infos.map((l) => l.inputShape)).toEqual([[1, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1], [84]]);
    expect(infos.map((l) => l.outputShape)).toEqual([[6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1], [84], [10]]);
    expect([L.C1.kernel, L.C1.stride, L.C1.padding]).toEqual([[5, 5], [1, 1], [2, 2]]);
    expect([L.S2.kernel, L.S2.stride, L.S2.padding]).toEqual([[2, 2], [2, 2], [0, 0]]);
    expect([L.C3.kernel, L.C3.stride, L.C3.padding]).toEqual([[5, 5], [1, 1], [0, 0]]);
    expect([L.F6.kernel, L.F6.stride, L.F6.padding]).toEqual([null, null, null]);
    expect(infos.map((l) => l.activation)).toEqual(['relu', null, 'relu', null, 'relu', 'relu', null]);
    expect(infos.every((l) => l.connections === null)).toBe(true);
  });

  it('parameters: counts, tensors as the weights file names them, and which one the kernel viewer shows', () => {
    // (5*5*1 + 1)*6 = 156; (5*5*6 + 1)*16 = 2,416; (5*5*16 + 1)*120 = 48,120; (120 + 1)*84 = 10,164; (84 + 1)*10 = 850
    expect(infos.map((l) => l.params)).toEqual([156, 0, 2_416, 0, 48_120, 10_164, 850]);
    expect(totalParams(infos)).toBe(61_706);
    expect(tensorsOf(L.C1)).toEqual([['C1.weight', [6, 1, 5, 5], 150, true], ['C1.bias', [6], 6, false]]);
    expect(tensorsOf(L.F6)).toEqual([['F6.weight', [84, 120], 10_080, true], ['F6.bias', [84], 84, false]]);
    expect(L.S2.tensors).toEqual([]);
    expect(L.C3.weights).toEqual({ main: 'C3.weight', bias: 'C3.bias', layout: 'kernels' });
    expect(L.OUTPUT.weights).toEqual({ main: 'OUTPUT.weight', bias: 'OUTPUT.bias', layout: 'matrix' });
    expect(L.S4.weights).toBeNull();
  });

  it('multiply-accumulates', () => {
    // C1 6*25*28*28; C3 16*6*25*10*10; C5 120*16*25; F6 120*84; OUTPUT 84*10; max pooling only compares
    expect(infos.map((l) => l.macs)).toEqual([117_600, 0, 240_000, 0, 48_000, 10_080, 840]);
    expect(totalMacs(infos)).toBe(416_520);
  });

  it('receptive fields', () => {
    // C1: 5x5 window, padding 2: unit (0, 0) reads rows -2..2.
    expect(L.C1.receptiveField).toEqual({ size: [5, 5], jump: [1, 1], start: [-2, -2] });
    // S2: two C1 units one pixel apart: 5 + 1 = 6, jump 2.
    expect(L.S2.receptiveField).toEqual({ size: [6, 6], jump: [2, 2], start: [-2, -2] });
    // C3: five S2 units two pixels apart: 6 + 4*2 = 14.
    expect(L.C3.receptiveField).toEqual({ size: [14, 14], jump: [2, 2], start: [-2, -2] });
    expect(L.S4.receptiveField).toEqual({ size: [16, 16], jump: [4, 4], start: [-2, -2] });
    // C5: 16 + 4*4 = 32, more than the 28x28 image (it reaches 2 px past each border).
    expect(L.C5.receptiveField).toEqual({ size: [32, 32], jump: [4, 4], start: [-2, -2] });
    expect(L.F6.receptiveField).toEqual({ size: [28, 28], jump: [0, 0], start: [0, 0] });
    expect(L.OUTPUT.receptiveField).toEqual({ size: [28, 28], jump: [0, 0], start: [0, 0] });
  });
});

describe('the layer description of classic LeNet-5 (LENET5.md)', () => {
  const infos = networkInfo(CLASSIC_LENET5);
  const L = byName(infos);

  it('shapes, roles and resolved windows (a subsampling stride defaults to its size)', () => {
    expect(infos.map((l) => l.role)).toEqual(['windowed', 'windowed', 'windowed', 'windowed', 'windowed', 'fully-connected', 'distance']);
    expect(infos.map((l) => l.outputShape)).toEqual([[6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1], [84], [10]]);
    expect(L.C1.inputShape).toEqual([1, 32, 32]);
    expect([L.C1.kernel, L.C1.stride, L.C1.padding]).toEqual([[5, 5], [1, 1], [0, 0]]);
    expect([L.S2.kernel, L.S2.stride, L.S2.padding]).toEqual([[2, 2], [2, 2], [0, 0]]);
    expect([L.OUTPUT.kernel, L.OUTPUT.stride, L.OUTPUT.padding]).toEqual([null, null, null]);
    expect(infos.map((l) => l.activation)).toEqual([null, 'lecun-tanh', 'lecun-tanh', 'lecun-tanh', 'lecun-tanh', 'lecun-tanh', null]);
  });

  it("parameters: trainable subsampling, C3's table, the fixed RBF", () => {
    // S2: a coefficient and a bias per map, 2*6 = 12; S4 2*16 = 32;
    // C3: 6*(3*25+1) + 6*(4*25+1) + 3*(4*25+1) + 1*(6*25+1) = 1,516
    expect(infos.map((l) => l.params)).toEqual([156, 12, 1_516, 32, 48_120, 10_164, 0]);
    expect(totalParams(infos)).toBe(60_000);
    expect(tensorsOf(L.S2)).toEqual([['S2.coef', [6], 6, false], ['S2.bias', [6], 6, false]]);
    expect(L.S2.weights).toEqual({ main: 'S2.coef', bias: 'S2.bias', layout: 'per-map' });
    // C3's weight tensor stores all 16x6 kernels, 60 of them connected: 60*25 = 1,500 trainable.
    expect(tensorsOf(L.C3)).toEqual([['C3.weight', [16, 6, 5, 5], 1_500, true], ['C3.bias', [16], 16, false]]);
    expect(L.C3.connections?.map((r) => r.length)).toEqual([3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6]);
    expect(L.C3.connections?.[12]).toEqual([0, 1, 3, 4]);
    expect(L.OUTPUT.tensors).toEqual([]);
    expect(L.OUTPUT.weights).toBeNull();
  });

  it('multiply-accumulates', () => {
    // S2 6*14*14*4 (one accumulate per window element); C3 60*25*10*10; S4 16*5*5*4; RBF 10*84
    expect(infos.map((l) => l.macs)).toEqual([117_600, 4_704, 150_000, 1_600, 48_000, 10_080, 840]);
  });

  it('receptive fields: C5 sees exactly the 32x32 field from (0, 0)', () => {
    expect(infos.slice(0, 5).map((l) => l.receptiveField)).toEqual([
      { size: [5, 5], jump: [1, 1], start: [0, 0] },
      { size: [6, 6], jump: [2, 2], start: [0, 0] },
      { size: [14, 14], jump: [2, 2], start: [0, 0] },
      { size: [16, 16], jump: [4, 4], start: [0, 0] },
      { size: [32, 32], jump: [4, 4], start: [0, 0] },
    ]);
    expect(L.F6.receptiveField).toEqual({ size: [32, 32], jump: [0, 0], start: [0, 0] });
  });
});

function filled(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-1, 1);
  return tensor(shape, data);
}

const FNS: Activation[] = ['relu', 'sigmoid', 'tanh', 'lecun-tanh', 'identity'];

/** Random specs: windowed layers while they fit, maybe a flatten, then dense layers, maybe an RBF. */
const specArb = fc.record({
  channels: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 3, max: 12 }),
  width: fc.integer({ min: 3, max: 12 }),
  windows: fc.array(fc.record({
    kind: fc.constantFrom('conv', 'maxpool', 'avgpool', 'subsample', 'activation'),
    filters: fc.integer({ min: 1, max: 4 }),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), { nil: undefined }),
    padding: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    masked: fc.boolean(),
    fn: fc.option(fc.constantFrom(...FNS), { nil: undefined }),
  }), { maxLength: 4 }),
  flatten: fc.boolean(),
  dense: fc.array(fc.record({ units: fc.integer({ min: 1, max: 6 }), fn: fc.option(fc.constantFrom(...FNS), { nil: undefined }) }), { minLength: 1, maxLength: 2 }),
  rbf: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
}).map((r): { spec: NetworkSpec; seed: number } => {
  let [c, h, w] = [r.channels, r.height, r.width];
  const fits = (k: [number, number], s: [number, number], p: number) => {
    const oh = Math.floor((h + 2 * p - k[0]) / s[0]) + 1, ow = Math.floor((w + 2 * p - k[1]) / s[1]) + 1;
    return oh >= 1 && ow >= 1 ? [oh, ow] : null;
  };
  const layers: LayerSpec[] = [];
  r.windows.forEach((x, i) => {
    const name = `W${i}`;
    if (x.kind === 'activation') { layers.push({ kind: 'activation', name, fn: x.fn ?? 'tanh' }); return; }
    const p = x.kind === 'conv' ? (x.padding ?? 0) : 0;
    const size = fits(x.k, x.stride ?? (x.kind === 'conv' ? [1, 1] : x.k), p);
    if (!size) return;
    if (x.kind === 'conv') {
      const connections = x.masked && c > 1 ? Array.from({ length: x.filters }, (_, o) => [o % c, (o + 1) % c].sort((a, b) => a - b)) : undefined;
      layers.push({ kind: 'conv', name, filters: x.filters, kernel: x.k, stride: x.stride, padding: x.padding, activation: x.fn, connections });
      c = x.filters;
    } else if (x.kind === 'subsample') {
      layers.push({ kind: 'subsample', name, size: x.k, stride: x.stride, activation: x.fn });
    } else {
      layers.push({ kind: x.kind, name, size: x.k, stride: x.stride });
    }
    [h, w] = size;
  });
  if (r.flatten) layers.push({ kind: 'flatten', name: 'FL' });
  r.dense.forEach((d, i) => layers.push({ kind: 'dense', name: `D${i}`, units: d.units, activation: d.fn }));
  const last = r.dense[r.dense.length - 1].units;
  if (r.rbf) layers.push({ kind: 'rbf', name: 'R', centres: [0, 1, 2].map((i) => Array.from({ length: last }, (_, j) => ((i + j) % 2 ? 1 : -1))) });
  return { spec: { arch: 'random', input: { channels: r.channels, height: r.height, width: r.width }, layers, head: r.rbf ? 'rbf' : 'softmax' }, seed: r.seed };
});

/** One layer computed by the engine's stand-alone ops from the previous layer's output. */
function reference(layer: LayerSpec, info: LayerInfo, x: Tensor, weights: Map<string, Tensor>): Tensor {
  const get = (name: string) => weights.get(name)!;
  const flat = (t: Tensor) => tensor([t.shape[0], t.data.length / t.shape[0]], t.data);
  const act = (t: Tensor) => (info.activation ? activation(info.activation, t) : t);
  switch (layer.kind) {
    case 'conv': return act(conv2d(x, get(`${layer.name}.weight`), get(`${layer.name}.bias`), { stride: info.stride!, padding: info.padding! }));
    case 'maxpool': return maxPool(x, info.kernel!, info.stride!).y;
    case 'avgpool': return avgPool(x, info.kernel!, info.stride!);
    case 'subsample': return act(subsample(x, get(`${layer.name}.coef`), get(`${layer.name}.bias`), info.kernel!, info.stride!));
    case 'dense': return act(dense(flat(x), get(`${layer.name}.weight`), get(`${layer.name}.bias`)));
    case 'activation': return act(x);
    case 'flatten': return flat(x);
    case 'rbf': return rbf(flat(x), tensor([layer.centres.length, layer.centres[0].length], Float32Array.from(layer.centres.flat())));
  }
}

/** Input rows (or columns) unit i depends on, walking the windows back one by one (no clipping at the borders). */
function dependency(infos: readonly LayerInfo[], upTo: number, axis: 0 | 1, i: number): [number, number] {
  if (upTo < 0) return [i, i];
  const l = infos[upTo];
  if (!l.kernel) return dependency(infos, upTo - 1, axis, i);
  const first = i * l.stride![axis] - l.padding![axis];
  const lo = dependency(infos, upTo - 1, axis, first)[0];
  const hi = dependency(infos, upTo - 1, axis, first + l.kernel[axis] - 1)[1];
  return [lo, hi];
}

describe('the description of random networks', () => {
  it("output shapes are what the engine's ops produce, and the network's forward pass matches them", () => {
    fc.assert(fc.property(specArb, ({ spec, seed }) => {
      const infos = networkInfo(spec);
      const net = buildNetwork(spec, { seed });
      const weights = net.getWeights();
      let x = filled([2, spec.input.channels, spec.input.height, spec.input.width], seed + 1);
      const out = net.forward(x.data, 2);
      spec.layers.forEach((layer, i) => {
        const y = reference(layer, infos[i], x, weights);
        expect(y.shape.slice(1), layer.name).toEqual([...infos[i].outputShape]);
        const mine = out.activations[i].data;
        expect(mine.length).toBe(y.data.length);
        y.data.forEach((v, j) => expect(Math.abs(v - mine[j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
        x = y;
      });
    }), { numRuns: 40 });
  });

  it('parameter counts and tensors are those of the weights, and unconnected entries are the only ones not trained', () => {
    fc.assert(fc.property(specArb, ({ spec, seed }) => {
      const infos = networkInfo(spec);
      const net = buildNetwork(spec, { seed });
      const tensors = parameterTensors(infos);
      expect([...net.getWeights()].map(([name, t]) => [name, t.shape])).toEqual(tensors.map((t) => [t.name, [...t.shape]]));
      expect(net.paramData.length).toBe(tensors.reduce((s, t) => s + t.size, 0));
      expect(net.trainableParams).toBe(totalParams(infos));
      for (const l of infos) expect(l.params).toBe(l.tensors.reduce((s, t) => s + t.trainable, 0));
      for (const p of net.params) {
        const t = tensors.find((d) => d.name === p.name)!;
        const maskedOut = p.mask ? p.mask.reduce((s, m) => s + (m === 0 ? 1 : 0), 0) : 0;
        expect(t.size - t.trainable).toBe(maskedOut);
        expect(p.decays).toBe(t.decays);
      }
      for (const l of infos) {
        expect(l.weights !== null).toBe(l.tensors.length > 0);
        if (l.weights) expect(l.tensors.map((t) => t.name)).toEqual([l.weights.main, l.weights.bias]);
      }
    }), { numRuns: 40 });
  });

  it('receptive fields are where the windows reach, unit by unit, and a pool without a stride steps by its size', () => {
    fc.assert(fc.property(specArb, ({ spec }) => {
      const infos = networkInfo(spec);
      infos.forEach((l, i) => {
        const f = l.receptiveField;
        if (l.outputShape.length !== 3) {
          expect(f).toEqual({ size: [spec.input.height, spec.input.width], jump: [0, 0], start: [0, 0] });
          return;
        }
        for (const axis of [0, 1] as const) {
          for (const unit of [0, l.outputShape[axis + 1] - 1]) {
            const [lo, hi] = dependency(infos, i, axis, unit);
            expect([f.start[axis] + unit * f.jump[axis], f.start[axis] + unit * f.jump[axis] + f.size[axis] - 1], `${l.name} axis ${axis} unit ${unit}`).toEqual([lo, hi]);
          }
        }
        const layer = spec.layers[i];
        if ((layer.kind === 'maxpool' || layer.kind === 'avgpool' || layer.kind === 'subsample') && layer.stride === undefined) expect(l.stride).toEqual(l.kernel);
      });
    }), { numRuns: 60 });
  });
});
