import { networkInfo, totalMacs, totalParams, type LayerInfo, type ParamTensorInfo } from './arithmetic.ts';
import type { Activation, LayerSpec, NetworkSpec } from './spec.ts';
import { formatShape, ShapeError, sizeOf, type Tensor } from './tensor.ts';
import { Rng } from './rng.ts';
import { activationBackwardInto, activationForwardInto } from './ops/activations.ts';
import { conv2dBackwardInto, conv2dFusesRelu, conv2dScratchSize, conv2dForwardInto, conv2dGeometry, connectionMask, type Conv2dGeometry } from './ops/conv2d.ts';
import { maxPoolBackwardInto, maxPoolForwardInto, poolGeometry, windowSumBackwardInto, windowSumInto, type PoolGeometry } from './ops/pool.ts';
import { subsampleBackwardInto, subsampleForwardInto } from './ops/subsample.ts';
import { denseBackwardInto, denseForwardInto } from './ops/dense.ts';
import { rbfBackwardInto, rbfForwardInto } from './ops/rbf.ts';
import { rbfCriterionInto, softmaxCrossEntropyInto, softmaxInto, softTargetCrossEntropyInto } from './ops/softmax.ts';
import { activeKernels, type MatrixKernels } from './kernels/matrix-kernels.ts';

/** One parameter tensor: a view into the network's flat parameter and gradient arrays. */
export interface Param {
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  readonly data: Float32Array;
  readonly grad: Float32Array;
  /** 1 where the entry is trainable; absent = all. Masked entries stay exactly zero. */
  readonly mask?: Float32Array;
  /** Weight decay applies (from the layer description). */
  readonly decays: boolean;
}

export interface LayerActivation {
  readonly name: string;
  /** Shape of one sample's output, e.g. [6, 28, 28]. */
  readonly shape: readonly number[];
  /** batch * size values. */
  readonly data: Float32Array;
}

export interface ForwardResult {
  readonly batch: number;
  readonly activations: LayerActivation[];
  /** The last layer's output: logits (softmax head) or distances (RBF head), batch * classes. */
  readonly scores: Float32Array;
  readonly probabilities: Float32Array;
}

export interface BuildOptions {
  /** Seed for the initial weights. */
  readonly seed?: number;
  /** Place the parameters in this array (e.g. shared memory); its contents are used as they are. */
  readonly paramBuffer?: Float32Array;
  /** Place the gradients in this array. */
  readonly gradBuffer?: Float32Array;
  /** The matrix kernels its layers run on; absent = the thread's default at each call (activeKernels). */
  readonly kernels?: MatrixKernels;
}

type KernelsOf = () => MatrixKernels;

/** How a runner initializes one of the tensors its layer description lists. */
interface ParamRequest {
  readonly tensor: ParamTensorInfo;
  readonly init: (rng: Rng, data: Float32Array) => void;
  readonly mask?: Float32Array;
}

/** A layer's forward and backward over a batch, with its own reusable workspace. */
interface Runner {
  readonly info: LayerInfo;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: ParamRequest[];
  bind(params: Param[]): void;
  forward(x: Float32Array, batch: number): Float32Array;
  /** Writes dx (when given) and accumulates parameter gradients; `pre`: dy is with respect to the pre-activation. */
  backward(x: Float32Array, dy: Float32Array, dx: Float32Array | null, batch: number, pre?: boolean): void;
}

function heNormal(fanIn: (row: number) => number, rowSize: number) {
  return (rng: Rng, data: Float32Array) => {
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * Math.sqrt(2 / fanIn(Math.floor(i / rowSize)));
  };
}

function lecunNormal(fanIn: (row: number) => number, rowSize: number) {
  return (rng: Rng, data: Float32Array) => {
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * Math.sqrt(1 / fanIn(Math.floor(i / rowSize)));
  };
}

function initFor(activation: Activation | null, fanIn: (row: number) => number, rowSize: number) {
  return activation === 'relu' ? heNormal(fanIn, rowSize) : lecunNormal(fanIn, rowSize);
}

const zeros = () => (_rng: Rng, data: Float32Array) => data.fill(0);

/** Applies the layer's activation after its core op and routes the gradient back through it. */
class ActivationStage {
  pre = new Float32Array(0);
  out = new Float32Array(0);
  dPre = new Float32Array(0);
  constructor(readonly fn: Activation) {}
  ensure(n: number): void {
    if (this.out.length < n) {
      this.out = new Float32Array(n);
      if (this.fn !== 'identity') {
        this.pre = new Float32Array(n);
        this.dPre = new Float32Array(n);
      }
    }
  }
  /** Where the core op should write. */
  target(): Float32Array {
    return this.fn === 'identity' ? this.out : this.pre;
  }
  apply(n: number): Float32Array {
    if (this.fn !== 'identity') activationForwardInto(this.fn, this.pre, this.out, n);
    return this.out;
  }
  grad(dy: Float32Array, n: number, pre = false): Float32Array {
    if (this.fn === 'identity' || pre) return dy;
    activationBackwardInto(this.fn, this.out, dy, this.dPre, n);
    return this.dPre;
  }
}

function convRunner(layer: Extract<LayerSpec, { kind: 'conv' }>, info: LayerInfo, kernels: KernelsOf): Runner {
  const [inC, inH, inW] = info.inputShape;
  const [kh, kw] = info.kernel!;
  const stride = info.stride!;
  const padding = info.padding!;
  const O = info.outputShape[0];
  const connections = info.connections;
  const mask = connections ? connectionMask(connections, inC, kh, kw) : undefined;
  const rowFanIn = (o: number) => (connections ? connections[o].length : inC) * kh * kw;
  const [weightTensor, biasTensor] = info.tensors;
  const act = new ActivationStage(info.activation ?? 'identity');
  let w!: Param, b!: Param;
  let geometry: Conv2dGeometry | null = null;
  let cols = new Float32Array(0);
  const geom = (batch: number): Conv2dGeometry => {
    if (!geometry || geometry.batch !== batch) geometry = conv2dGeometry([batch, inC, inH, inW], [O, inC, kh, kw], { stride, padding });
    return geometry;
  };
  /** The TypeScript kernels' scratch; kernels with a workspace of their own need none. */
  const scratch = (g: Conv2dGeometry, k: MatrixKernels): Float32Array | undefined => {
    if (k.workspace(0, 0)) return undefined;
    const size = conv2dScratchSize(g, k);
    if (cols.length < size) cols = new Float32Array(size);
    return cols;
  };
  const weightInit = initFor(info.activation, rowFanIn, inC * kh * kw);
  return {
    info,
    inSize: sizeOf(info.inputShape),
    outSize: sizeOf(info.outputShape),
    params: [
      { tensor: weightTensor, mask, init: (rng, data) => { weightInit(rng, data); if (mask) for (let i = 0; i < data.length; i++) data[i] *= mask[i]; } },
      { tensor: biasTensor, init: zeros() },
    ],
    bind(params) { [w, b] = params; },
    forward(x, batch) {
      const g = geom(batch);
      const k = kernels();
      act.ensure(batch * this.outSize);
      if (act.fn === 'relu' && conv2dFusesRelu(g, k)) {
        conv2dForwardInto(g, x, w.data, b.data, act.out, undefined, k, true);
        return act.out;
      }
      conv2dForwardInto(g, x, w.data, b.data, act.target(), scratch(g, k), k);
      return act.apply(batch * this.outSize);
    },
    backward(x, dy, dx, batch, pre) {
      const g = geom(batch);
      const k = kernels();
      if (pre) {
        // dy is already with respect to the pre-activation: no activation gradient, so no fused ReLU either
        conv2dBackwardInto(g, x, w.data, dy, dx, w.grad, b.grad, scratch(g, k), k);
      } else if (act.fn === 'relu' && conv2dFusesRelu(g, k)) {
        conv2dBackwardInto(g, x, w.data, dy, dx, w.grad, b.grad, undefined, k, act.out);
      } else {
        conv2dBackwardInto(g, x, w.data, act.grad(dy, batch * this.outSize), dx, w.grad, b.grad, scratch(g, k), k);
      }
      if (mask) for (let i = 0; i < mask.length; i++) w.grad[i] *= mask[i];
    },
  };
}

function poolRunner(layer: Extract<LayerSpec, { kind: 'maxpool' | 'avgpool' | 'subsample' }>, info: LayerInfo): Runner {
  const [C, H, W] = info.inputShape;
  const size = info.kernel!;
  const stride = info.stride!;
  const act = new ActivationStage(info.activation ?? 'identity');
  let geometry: PoolGeometry | null = null;
  let argmax = new Int32Array(0);
  let sums = new Float32Array(0);
  let coef: Param | null = null, bias: Param | null = null;
  const geom = (batch: number): PoolGeometry => {
    if (!geometry || geometry.batch !== batch) geometry = poolGeometry(`${layer.kind} ${layer.name}`, [batch, C, H, W], size, stride);
    return geometry;
  };
  const outSize = sizeOf(info.outputShape);
  const area = size[0] * size[1];
  return {
    info,
    inSize: C * H * W,
    outSize,
    params: layer.kind === 'subsample'
      ? [
          { tensor: info.tensors[0], init: (_rng, d) => d.fill(1 / area) },
          { tensor: info.tensors[1], init: zeros() },
        ]
      : [],
    bind(params) { if (layer.kind === 'subsample') [coef, bias] = params; },
    forward(x, batch) {
      const g = geom(batch);
      const n = batch * outSize;
      act.ensure(n);
      if (layer.kind === 'maxpool') {
        if (argmax.length < n) argmax = new Int32Array(n);
        maxPoolForwardInto(g, x, act.target(), argmax);
      } else if (layer.kind === 'avgpool') {
        const y = act.target();
        windowSumInto(g, x, y);
        for (let i = 0; i < n; i++) y[i] /= area;
      } else {
        if (sums.length < n) sums = new Float32Array(n);
        subsampleForwardInto(g, x, coef!.data, bias!.data, sums, act.target());
      }
      return act.apply(n);
    },
    backward(_x, dy, dx, batch, pre) {
      const g = geom(batch);
      const dPre = act.grad(dy, batch * outSize, pre);
      if (layer.kind === 'maxpool') {
        if (dx) maxPoolBackwardInto(g, dPre, argmax, dx);
      } else if (layer.kind === 'avgpool') {
        if (dx) windowSumBackwardInto(g, dPre, 1 / area, dx);
      } else {
        subsampleBackwardInto(g, sums, coef!.data, dPre, dx, coef!.grad, bias!.grad);
      }
    },
  };
}

function denseRunner(layer: Extract<LayerSpec, { kind: 'dense' }>, info: LayerInfo, kernels: KernelsOf): Runner {
  const inFeatures = sizeOf(info.inputShape);
  const units = info.outputShape[0];
  const act = new ActivationStage(info.activation ?? 'identity');
  let w!: Param, b!: Param;
  return {
    info,
    inSize: inFeatures,
    outSize: units,
    params: [
      { tensor: info.tensors[0], init: initFor(info.activation, () => inFeatures, inFeatures) },
      { tensor: info.tensors[1], init: zeros() },
    ],
    bind(params) { [w, b] = params; },
    forward(x, batch) {
      act.ensure(batch * units);
      denseForwardInto(batch, inFeatures, units, x, w.data, b.data, act.target(), kernels());
      return act.apply(batch * units);
    },
    backward(x, dy, dx, batch, pre) {
      const dPre = act.grad(dy, batch * units, pre);
      denseBackwardInto(batch, inFeatures, units, x, w.data, dPre, dx, w.grad, b.grad, kernels());
    },
  };
}

function elementwiseRunner(layer: Extract<LayerSpec, { kind: 'activation' | 'flatten' }>, info: LayerInfo): Runner {
  const n = sizeOf(info.inputShape);
  const act = new ActivationStage(info.activation ?? 'identity');
  return {
    info,
    inSize: n,
    outSize: n,
    params: [],
    bind() {},
    forward(x, batch) {
      act.ensure(batch * n);
      act.target().set(x.subarray(0, batch * n));
      return act.apply(batch * n);
    },
    backward(_x, dy, dx, batch) {
      if (dx) dx.set(act.grad(dy, batch * n).subarray(0, batch * n));
    },
  };
}

function rbfRunner(layer: Extract<LayerSpec, { kind: 'rbf' }>, info: LayerInfo): Runner {
  const inFeatures = sizeOf(info.inputShape);
  const units = layer.centres.length;
  const centres = Float32Array.from(layer.centres.flat());
  let y = new Float32Array(0);
  return {
    info,
    inSize: inFeatures,
    outSize: units,
    params: [],
    bind() {},
    forward(x, batch) {
      if (y.length < batch * units) y = new Float32Array(batch * units);
      rbfForwardInto(batch, inFeatures, units, x, centres, y);
      return y;
    },
    backward(x, dy, dx, batch) {
      if (dx) rbfBackwardInto(batch, inFeatures, units, x, centres, dy, dx);
    },
  };
}

function runnerFor(layer: LayerSpec, info: LayerInfo, kernels: KernelsOf): Runner {
  switch (layer.kind) {
    case 'conv': return convRunner(layer, info, kernels);
    case 'maxpool':
    case 'avgpool':
    case 'subsample': return poolRunner(layer, info);
    case 'dense': return denseRunner(layer, info, kernels);
    case 'activation':
    case 'flatten': return elementwiseRunner(layer, info);
    case 'rbf': return rbfRunner(layer, info);
  }
}

/**
 * A network built from a declarative spec. Parameters and gradients live in two flat Float32Arrays
 * (so optimizers run one loop and workers can share them); each layer keeps reusable workspace sized
 * for the largest batch seen, so steady-state training allocates nothing.
 */
export class Network {
  readonly spec: NetworkSpec;
  readonly layers: readonly LayerInfo[];
  readonly params: readonly Param[];
  readonly paramData: Float32Array;
  readonly gradData: Float32Array;
  /** Trainable parameters (masked entries excluded), as the layer arithmetic counts them. */
  readonly trainableParams: number;
  readonly macs: number;
  readonly inputSize: number;
  readonly classes: number;
  private readonly runners: Runner[];
  private outputs: Float32Array[] = [];
  private dBuffers: Float32Array[] = [];
  private probs = new Float32Array(0);
  private dScores = new Float32Array(0);
  private capacity = 0;

  constructor(spec: NetworkSpec, options: BuildOptions = {}) {
    this.spec = spec;
    this.layers = networkInfo(spec);
    this.trainableParams = totalParams(this.layers);
    this.macs = totalMacs(this.layers);
    this.inputSize = spec.input.channels * spec.input.height * spec.input.width;
    if (spec.layers.length === 0) throw new ShapeError('network', 'has no layers');
    const last = this.layers[this.layers.length - 1];
    if (last.outputShape.length !== 1) {
      throw new ShapeError('network', `the last layer ${last.name} must output a vector of class scores, got ${formatShape(last.outputShape)}`);
    }
    this.classes = last.outputShape[0];
    const fixed = options.kernels;
    const kernels: KernelsOf = fixed ? () => fixed : activeKernels;
    this.runners = spec.layers.map((l, i) => runnerFor(l, this.layers[i], kernels));
    for (const r of this.runners) {
      const described = r.info.tensors.map((t) => t.name).join(', ');
      const made = r.params.map((p) => p.tensor.name).join(', ');
      if (described !== made) throw new ShapeError('network', `layer ${r.info.name} is described with tensors [${described}] but its runner makes [${made}]`);
    }
    const total = this.runners.reduce((s, r) => s + r.params.reduce((t, p) => t + p.tensor.size, 0), 0);
    for (const [what, buf] of [['paramBuffer', options.paramBuffer], ['gradBuffer', options.gradBuffer]] as const) {
      if (buf && buf.length !== total) throw new ShapeError('network', `${what} holds ${buf.length} values, the network has ${total}`);
    }
    this.paramData = options.paramBuffer ?? new Float32Array(total);
    this.gradData = options.gradBuffer ?? new Float32Array(total);
    const rng = new Rng(options.seed ?? 1);
    const params: Param[] = [];
    let offset = 0;
    for (const r of this.runners) {
      const mine: Param[] = [];
      for (const req of r.params) {
        const { name, shape, size, decays } = req.tensor;
        const p: Param = {
          name, layer: r.info.name, shape, offset, size, decays,
          data: this.paramData.subarray(offset, offset + size), grad: this.gradData.subarray(offset, offset + size), mask: req.mask,
        };
        if (!options.paramBuffer) req.init(rng, p.data);
        mine.push(p);
        offset += size;
      }
      r.bind(mine);
      params.push(...mine);
    }
    this.params = params;
  }

  private ensure(batch: number): void {
    if (batch <= this.capacity) return;
    this.dBuffers = this.runners.map((r, i) => (i === 0 ? new Float32Array(0) : new Float32Array(batch * r.inSize)));
    this.probs = new Float32Array(batch * this.classes);
    this.dScores = new Float32Array(batch * this.classes);
    this.capacity = batch;
  }

  private checkInput(input: Float32Array, batch: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new ShapeError('network forward', `batch must be a positive integer, got ${batch}`);
    if (input.length < batch * this.inputSize) {
      const s = this.spec.input;
      throw new ShapeError('network forward', `input holds ${input.length} values, a batch of ${batch} x [${s.channels}, ${s.height}, ${s.width}] needs ${batch * this.inputSize}`);
    }
  }

  /** Runs the layers; the returned arrays are the layers' own buffers, valid until the next call. */
  private run(input: Float32Array, batch: number): Float32Array {
    this.checkInput(input, batch);
    this.ensure(batch);
    let x = input;
    for (let i = 0; i < this.runners.length; i++) {
      x = this.runners[i].forward(x, batch);
      this.outputs[i] = x;
    }
    return x;
  }

  /** Factor from scores to softmax logits: 1 for logits, -rbfScale for RBF distances. */
  private sign(): number {
    return this.spec.head === 'rbf' ? -(this.spec.rbfScale ?? 1) : 1;
  }

  /** Inference: every layer's activations (copied) and the class probabilities. */
  forward(input: Float32Array, batch = 1): ForwardResult {
    const scores = this.run(input, batch);
    const probabilities = new Float32Array(batch * this.classes);
    softmaxInto(batch, this.classes, scores, this.sign(), probabilities);
    const activations = this.runners.map((r, i) => ({
      name: r.info.name,
      shape: r.info.outputShape,
      data: this.outputs[i].slice(0, batch * r.outSize),
    }));
    return { batch, activations, scores: scores.slice(0, batch * this.classes), probabilities };
  }

  /** Class probabilities only, written into `out` (batch * classes); no allocation. */
  predictInto(input: Float32Array, batch: number, out: Float32Array): void {
    const scores = this.run(input, batch);
    softmaxInto(batch, this.classes, scores, this.sign(), out);
  }

  /**
   * One forward and backward pass over a batch: adds d(loss)/d(params) * gradScale into gradData
   * (callers zero it when they start a step), where the loss is the summed cross-entropy over the batch
   * (LeCun's criterion for an RBF head with rbfCriterionJ).
   */
  accumulateGradients(input: Float32Array, labels: ArrayLike<number>, labelOffset: number, batch: number, gradScale: number): { lossSum: number; correct: number } {
    const scores = this.run(input, batch);
    const j = this.spec.head === 'rbf' ? this.spec.rbfCriterionJ : undefined;
    const stats = j !== undefined
      ? rbfCriterionInto(batch, this.classes, scores, j, labels, labelOffset, this.dScores, gradScale)
      : softmaxCrossEntropyInto(batch, this.classes, scores, this.sign(), labels, labelOffset, this.probs, this.dScores, gradScale);
    this.backwardFromScores(input, batch);
    return stats;
  }

  /**
   * As accumulateGradients, with soft targets (batch * classes, each row a distribution) in place of labels:
   * the loss is the temperature-T distillation loss (softTargetCrossEntropyInto) summed over the batch,
   * on softmax(logits / T) for either head. Returns the summed loss.
   */
  accumulateSoftTargetGradients(input: Float32Array, targets: Float32Array, targetOffset: number, batch: number, temperature: number, gradScale: number): number {
    const scores = this.run(input, batch);
    if (targets.length < targetOffset + batch * this.classes) throw new ShapeError('soft-target gradients', `${targets.length - targetOffset} target values for a batch of ${batch} x ${this.classes} classes`);
    const loss = softTargetCrossEntropyInto(batch, this.classes, scores, this.sign(), temperature, targets, targetOffset, this.probs, this.dScores, gradScale);
    this.backwardFromScores(input, batch);
    return loss;
  }

  private backwardFromScores(input: Float32Array, batch: number): void {
    let dy: Float32Array = this.dScores;
    for (let i = this.runners.length - 1; i >= 0; i--) {
      const x = i === 0 ? input : this.outputs[i - 1];
      const dx = i === 0 ? null : this.dBuffers[i];
      this.runners[i].backward(x, dy, dx, batch);
      if (dx) dy = dx;
    }
  }

  /** Factor from the last layer's scores to the softmax logits: 1 for logits, -rbfScale for RBF distances. */
  get logitScale(): number {
    return this.sign();
  }

  /**
   * The gradient with respect to the input of sum_{b,k} seed[b, k] * scores[b, k] (scores = the last
   * layer's output: logits, or RBF distances), batch * inputSize values in `out`. With a one-hot seed
   * that is the input gradient of one class's score, the saliency of attribution methods. The backward
   * pass also accumulates parameter gradients; they are cleared afterwards, so gradData is left zero.
   */
  inputGradientInto(input: Float32Array, batch: number, seed: Float32Array, out: Float32Array): Float32Array {
    if (seed.length < batch * this.classes) throw new ShapeError('network inputGradient', `seed holds ${seed.length} values, a batch of ${batch} needs ${batch * this.classes}`);
    if (out.length < batch * this.inputSize) throw new ShapeError('network inputGradient', `out holds ${out.length} values, a batch of ${batch} needs ${batch * this.inputSize}`);
    this.run(input, batch);
    let dy: Float32Array = seed.subarray(0, batch * this.classes);
    for (let i = this.runners.length - 1; i >= 0; i--) {
      const x = i === 0 ? input : this.outputs[i - 1];
      const dx = i === 0 ? out : this.dBuffers[i];
      this.runners[i].backward(x, dy, dx, batch);
      dy = dx;
    }
    this.gradData.fill(0);
    return out;
  }

  /**
   * The gradient with respect to the input of sum seed[b, j] * output[b, j] of layer `layerIndex`
   * (batch * that layer's output size seed values): what feature visualization ascends; with
   * `preActivation`, of the layer's value before its activation function instead. Like
   * inputGradientInto, it leaves gradData zero. Returns the layer's output of the forward pass
   * (the layer's own buffer, valid until the next call).
   */
  layerInputGradientInto(input: Float32Array, batch: number, layerIndex: number, seed: Float32Array, out: Float32Array, preActivation = false): Float32Array {
    if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= this.runners.length) throw new ShapeError('network layerInputGradient', `no layer ${layerIndex} (0..${this.runners.length - 1})`);
    const size = this.runners[layerIndex].outSize;
    if (seed.length < batch * size) throw new ShapeError('network layerInputGradient', `seed holds ${seed.length} values, layer ${this.runners[layerIndex].info.name} of a batch of ${batch} needs ${batch * size}`);
    if (out.length < batch * this.inputSize) throw new ShapeError('network layerInputGradient', `out holds ${out.length} values, a batch of ${batch} needs ${batch * this.inputSize}`);
    this.run(input, batch);
    let dy: Float32Array = seed.subarray(0, batch * size);
    for (let i = layerIndex; i >= 0; i--) {
      const x = i === 0 ? input : this.outputs[i - 1];
      const dx = i === 0 ? out : this.dBuffers[i];
      this.runners[i].backward(x, dy, dx, batch, preActivation && i === layerIndex);
      dy = dx;
    }
    this.gradData.fill(0);
    return this.outputs[layerIndex];
  }

  /** The last forward pass's scores for sample b (valid until the next call). */
  lastScores(batch: number): Float32Array {
    return this.outputs[this.runners.length - 1].subarray(0, batch * this.classes);
  }

  getWeights(): Map<string, Tensor> {
    return new Map(this.params.map((p) => [p.name, { shape: [...p.shape], data: p.data.slice() }]));
  }

  setWeights(weights: ReadonlyMap<string, Tensor>): void {
    for (const p of this.params) {
      const t = weights.get(p.name);
      if (!t) throw new ShapeError('setWeights', `missing tensor ${p.name}`);
      if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeError('setWeights', `tensor ${p.name} has shape ${formatShape(t.shape)}, expected ${formatShape(p.shape)}`);
      }
      p.data.set(t.data);
      if (p.mask) for (let i = 0; i < p.size; i++) p.data[i] *= p.mask[i];
    }
    const extra = [...weights.keys()].filter((k) => !this.params.some((p) => p.name === k));
    if (extra.length > 0) throw new ShapeError('setWeights', `unknown tensors ${extra.join(', ')}`);
  }
}

export function buildNetwork(spec: NetworkSpec, options: BuildOptions = {}): Network {
  return new Network(spec, options);
}

/** Total length of a spec's flat parameter array (including masked entries), without building it. */
export function flatParamCount(spec: NetworkSpec): number {
  return new Network(spec, { seed: 0 }).paramData.length;
}
