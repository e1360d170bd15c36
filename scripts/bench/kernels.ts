import * as ort from 'onnxruntime-node';
import { conv2dForwardInto, conv2dGeometry, Rng, TYPESCRIPT_KERNELS, type MatrixKernels } from '../../main/engine/index.ts';
import { encodeModel } from '../../main/onnx/proto.ts';
import { floatValueInfo, GraphBuilder } from '../../main/onnx/graph-builder.ts';
import { IR_VERSION, OPSET_VERSION } from '../../main/onnx/export.ts';
import { engineKernels } from '../../main/wasm/load-kernels.ts';
import type { ExtensionOptions } from './extensions.ts';

/**
 * GFLOP/s of the engine's matrix kernels (WebAssembly SIMD and the TypeScript reference) and of ONNX
 * Runtime's (MLAS, one thread) on the products and convolutions one modern LeNet-5 training step makes
 * at batch 64, each measured in the same process, alternating, so that a busy machine slows all alike.
 * FLOPs = 2 x multiply-adds. ONNX Runtime runs each product as a one-node MatMul graph on operands laid
 * out as it wants them (its figure excludes nothing the engine's includes: both copy in and out).
 */
interface Product { readonly key: string; readonly what: string; readonly transA: boolean; readonly transB: boolean; readonly m: number; readonly n: number; readonly k: number }

const B = 64;
export const PRODUCTS: readonly Product[] = [
  { key: 'C3Forward', what: 'C3 forward 16x150 * 150x6400', transA: false, transB: false, m: 16, n: B * 100, k: 150 },
  { key: 'C1Forward', what: 'C1 forward 6x25 * 25x50176', transA: false, transB: false, m: 6, n: B * 784, k: 25 },
  { key: 'C3WeightGrad', what: 'C3 dW 16x6400 * (150x6400)^T', transA: false, transB: true, m: 16, n: 150, k: B * 100 },
  { key: 'C3InputGrad', what: 'C3 d(columns) (16x150)^T * 16x6400', transA: true, transB: false, m: 150, n: B * 100, k: 16 },
  { key: 'C5Forward', what: 'C5 forward 64x400 * (120x400)^T', transA: false, transB: true, m: B, n: 120, k: 400 },
  { key: 'F6Forward', what: 'F6 forward 64x120 * (84x120)^T', transA: false, transB: true, m: B, n: 84, k: 120 },
];

/** Conv layers of the modern LeNet-5 at batch 64: [inC, inH, inW, outC, k, pad]. */
const CONVS: readonly { key: string; shape: readonly [number, number, number, number, number, number] }[] = [
  { key: 'C1', shape: [1, 28, 28, 6, 5, 2] },
  { key: 'C3', shape: [6, 14, 14, 16, 5, 0] },
  { key: 'C5', shape: [16, 5, 5, 120, 5, 0] },
];

function random(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Median seconds per call over `runs` timed runs of at least `seconds` / runs each, after a warm-up. */
async function secondsPerCall(fn: () => unknown, seconds: number, runs = 5): Promise<number> {
  const call = async () => { const r = fn(); if (r instanceof Promise) await r; };
  for (let i = 0; i < 3; i++) await call();
  const per: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < (seconds * 1000) / runs || calls < 2) {
      await call();
      calls++;
    }
    per.push((performance.now() - t0) / 1000 / calls);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(runs / 2)];
}

function oneNodeModel(build: (g: GraphBuilder) => { inputs: [string, number[]][]; output: [string, number[]] }): Uint8Array {
  const g = new GraphBuilder();
  const { inputs, output } = build(g);
  return encodeModel({
    irVersion: IR_VERSION, producerName: 'LeNet Studio bench', producerVersion: '1',
    graph: { name: 'kernel', node: g.nodes, initializer: g.initializers, input: inputs.map(([n, d]) => floatValueInfo(n, d)), output: [floatValueInfo(output[0], output[1])] },
    opsetImport: [{ domain: '', version: OPSET_VERSION }], metadataProps: [],
  });
}

const SESSION: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };

export async function measure(options: ExtensionOptions): Promise<Record<string, number>> {
  const seconds = options.quick ? 0.4 : 1.5;
  const wasm = await engineKernels({ want: 'wasm-simd' });
  if (wasm.kernels !== 'wasm-simd') return { skipped: `the SIMD kernels did not load: ${wasm.detail}` } as unknown as Record<string, number>;
  const sets: [string, MatrixKernels][] = [['Wasm', wasm.instance], ['Typescript', TYPESCRIPT_KERNELS]];
  const rng = new Rng(3);
  const out: Record<string, number> = {};
  for (const p of PRODUCTS) {
    const { m, n, k } = p;
    const flops = 2 * m * n * k;
    const a = random(rng, m * k), b = random(rng, k * n), c = new Float32Array(m * n);
    for (const [name, kernels] of sets) {
      // the TypeScript loops take seconds per call on the widest products: fewer runs
      const s = await secondsPerCall(() => kernels.gemm(p.transA, p.transB, m, n, k, a, 0, b, 0, c, 0, false), name === 'Wasm' ? seconds : seconds / 2, name === 'Wasm' ? 5 : 3);
      out[`gemmGflops${name}${p.key}`] = flops / s / 1e9;
    }
    const session = await ort.InferenceSession.create(oneNodeModel((g) => {
      g.reserve('a'); g.reserve('b');
      return { inputs: [['a', [m, k]], ['b', [k, n]]], output: [g.op('MatMul', ['a', 'b'], {}, g.reserve('c')), [m, n]] };
    }), SESSION);
    const feeds = { a: new ort.Tensor('float32', a, [m, k]), b: new ort.Tensor('float32', b, [k, n]) };
    out[`gemmGflopsOnnxRuntime${p.key}`] = flops / (await secondsPerCall(() => session.run(feeds), seconds)) / 1e9;
    await session.release();
    options.log(`${p.what}: SIMD ${out[`gemmGflopsWasm${p.key}`].toFixed(1)}, TypeScript ${out[`gemmGflopsTypescript${p.key}`].toFixed(1)}, ONNX Runtime ${out[`gemmGflopsOnnxRuntime${p.key}`].toFixed(1)} GFLOP/s`);
  }
  out.gemmGflops = out.gemmGflopsWasmC3Forward;
  out.gemmGflopsTypescript = out.gemmGflopsTypescriptC3Forward;
  out.gemmGflopsOnnxRuntime = out.gemmGflopsOnnxRuntimeC3Forward;

  for (const { key, shape: [inC, inH, inW, outC, kk, pad] } of CONVS) {
    const g = conv2dGeometry([B, inC, inH, inW], [outC, inC, kk, kk], { padding: [pad, pad] });
    const flops = 2 * B * outC * g.outH * g.outW * inC * kk * kk;
    const x = random(rng, B * inC * inH * inW), w = random(rng, outC * inC * kk * kk), bias = random(rng, outC);
    const y = new Float32Array(B * outC * g.outH * g.outW);
    for (const [name, kernels] of sets) {
      const s = await secondsPerCall(() => conv2dForwardInto(g, x, w, bias, y, undefined, kernels), name === 'Wasm' ? seconds : seconds / 2, 3);
      out[`convForwardGflops${name}${key}`] = flops / s / 1e9;
    }
    const session = await ort.InferenceSession.create(oneNodeModel((gb) => {
      gb.reserve('x');
      const wName = gb.floatTensor('w', [outC, inC, kk, kk], w), bName = gb.floatTensor('b', [outC], bias);
      return { inputs: [['x', [B, inC, inH, inW]]], output: [gb.op('Conv', ['x', wName, bName], { kernel_shape: [kk, kk], pads: [pad, pad, pad, pad] }, gb.reserve('y')), [B, outC, g.outH, g.outW]] };
    }), SESSION);
    const feeds = { x: new ort.Tensor('float32', x, [B, inC, inH, inW]) };
    out[`convForwardGflopsOnnxRuntime${key}`] = flops / (await secondsPerCall(() => session.run(feeds), seconds)) / 1e9;
    await session.release();
    options.log(`${key} forward, batch ${B}: SIMD ${out[`convForwardGflopsWasm${key}`].toFixed(1)}, TypeScript ${out[`convForwardGflopsTypescript${key}`].toFixed(1)}, ONNX Runtime ${out[`convForwardGflopsOnnxRuntime${key}`].toFixed(1)} GFLOP/s`);
  }
  return out;
}
