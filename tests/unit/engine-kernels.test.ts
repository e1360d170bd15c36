import { describe, expect, it } from 'vitest';
import {
  activationBackwardInto, activationForwardInto, activeKernels, conv2dBackwardInto, conv2dFusesRelu, conv2dForwardInto, conv2dGeometry, createWasmKernels, denseBackwardInto, denseForwardInto,
  im2col, MODERN_LENET5, CLASSIC_LENET5, Network, Rng, TYPESCRIPT_KERNELS, useKernels, type MatrixKernels,
} from '../../main/engine/index.ts';
import { engineKernels, loadEngineKernels } from '../../main/wasm/load-kernels.ts';

/**
 * The WebAssembly SIMD kernels against the TypeScript reference. Both form the same sums in another
 * order, so they may differ by rounding only: for C = A * B with inner size k, each computed entry is
 * within gamma_k * (|A| * |B|) of the exact one (gamma_k ~ k * 2^-24, the standard bound for a float32
 * dot product in any order), so two orders differ by at most twice that. A wrong index, a lost edge
 * tile or a missed block gives errors of the size of the entries themselves.
 */
const U = 2 ** -24;
const wasm: MatrixKernels = (await engineKernels({ want: 'wasm-simd' })).instance;

function random(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Entry (i, j) of op(A) and op(B) as the kernels define them. */
const at = (x: Float32Array, off: number, trans: boolean, rows: number, cols: number) => (i: number, j: number) =>
  trans ? x[off + j * rows + i] : x[off + i * cols + j];

describe('the kernels under test', () => {
  it('are the WebAssembly SIMD ones, as the app runs them', () => {
    expect(wasm.name).toBe('wasm-simd');
    expect(activeKernels().name).toBe(process.env.LENET_ENGINE_KERNELS === 'typescript' ? 'typescript' : 'wasm-simd');
  });
});

describe('gemm: WebAssembly SIMD against the TypeScript reference', () => {
  const rng = new Rng(7);
  // edge sizes around the 4 x 8 tile and the 128 / 256 / 2048 blocks, and the LeNet shapes
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 3], [3, 5, 7], [4, 8, 1], [5, 9, 2], [7, 15, 17], [8, 16, 4], [13, 31, 255], [2, 3, 257],
    [127, 9, 11], [129, 33, 5], [6, 2049, 3], [16, 100, 150], [6, 1568, 25], [16, 150, 2000], [150, 2000, 16], [64, 84, 120], [10, 84, 32],
    // one image's dense layers and C5 (few rows, B transposed): four columns at a time, then the rest
    [1, 120, 400], [1, 84, 120], [1, 10, 84], [2, 13, 6], [3, 7, 9], [1, 4, 3], [2, 8, 0],
  ];
  for (const [m, n, k] of shapes) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      for (const accumulate of [false, true]) {
        it(`${m}x${n}x${k}${ta ? ' A^T' : ''}${tb ? ' B^T' : ''}${accumulate ? ' accumulating' : ''}`, () => {
          const aOff = 3, bOff = 5, cOff = 2;
          const a = random(rng, aOff + m * k), b = random(rng, bOff + k * n), c0 = random(rng, cOff + m * n + 4);
          const ref = c0.slice(), got = c0.slice();
          TYPESCRIPT_KERNELS.gemm(ta, tb, m, n, k, a, aOff, b, bOff, ref, cOff, accumulate);
          wasm.gemm(ta, tb, m, n, k, a, aOff, b, bOff, got, cOff, accumulate);
          const A = at(a, aOff, ta, m, k), B = at(b, bOff, tb, k, n);
          let worst = 0;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let abs = accumulate ? Math.abs(c0[cOff + i * n + j]) : 0;
              for (let p = 0; p < k; p++) abs += Math.abs(A(i, p) * B(p, j));
              const d = Math.abs(got[cOff + i * n + j] - ref[cOff + i * n + j]);
              worst = Math.max(worst, d / (2 * (k + 1) * U * abs + 1e-30));
            }
          }
          expect(worst).toBeLessThanOrEqual(1);
          // nothing outside C is touched
          expect(got.subarray(0, cOff)).toEqual(c0.subarray(0, cOff));
          expect(got.subarray(cOff + m * n)).toEqual(c0.subarray(cOff + m * n));
        });
      }
    }
  }

  it('an empty inner dimension gives zeros, or leaves C when accumulating', () => {
    const c = Float32Array.from([1, 2, 3, 4, 5, 6]);
    wasm.gemm(false, false, 2, 3, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, true);
    expect([...c]).toEqual([1, 2, 3, 4, 5, 6]);
    wasm.gemm(false, false, 2, 3, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, false);
    expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

/** max |x - y| / max |y|. */
function relative(x: Float32Array, y: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    s = Math.max(s, Math.abs(y[i]));
  }
  return d / Math.max(s, 1e-30);
}

describe('conv2d and dense on both kernel sets', () => {
  const rng = new Rng(11);
  // [batch, inC, inH, inW, outC, k, stride, pad]: LeNet's layers, padding, strides, several blocks and a partial one
  const cases = [
    [1, 1, 28, 28, 6, 5, 1, 2], [5, 1, 28, 28, 6, 5, 1, 2], [23, 6, 14, 14, 16, 5, 1, 0], [3, 16, 5, 5, 120, 5, 1, 0],
    [4, 3, 9, 7, 5, 3, 2, 1], [2, 2, 6, 6, 3, 1, 1, 0], [30, 2, 8, 8, 4, 3, 1, 3], [3, 4, 11, 11, 9, 4, 3, 2],
  ];
  for (const [batch, inC, inH, inW, outC, k, stride, pad] of cases) {
    it(`conv ${batch}x${inC}x${inH}x${inW} -> ${outC}, kernel ${k}, stride ${stride}, pad ${pad}`, () => {
      const g = conv2dGeometry([batch, inC, inH, inW], [outC, inC, k, k], { stride: [stride, stride], padding: [pad, pad] });
      const x = random(rng, batch * inC * inH * inW), w = random(rng, outC * inC * k * k), b = random(rng, outC);
      const ySize = batch * outC * g.outH * g.outW;
      const dy = random(rng, ySize);
      const run = (kernels: MatrixKernels) => {
        const y = new Float32Array(ySize);
        conv2dForwardInto(g, x, w, b, y, undefined, kernels);
        const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(outC);
        conv2dBackwardInto(g, x, w, dy, dx, dw, db, undefined, kernels);
        return { y, dx, dw, db };
      };
      const ref = run(TYPESCRIPT_KERNELS), got = run(wasm);
      // sums of at most a few thousand float32 terms of size ~1: reassociation moves them by ~1e-6
      for (const key of ['y', 'dx', 'dw', 'db'] as const) expect(relative(got[key], ref[key]), key).toBeLessThan(1e-5);
    });
  }

  it('a ReLU fused into the blocked conv equals conv, then ReLU, then their gradients in turn', () => {
    const g = conv2dGeometry([45, 6, 14, 14], [16, 6, 5, 5]);
    expect(conv2dFusesRelu(g, wasm)).toBe(true);
    expect(conv2dFusesRelu(g, TYPESCRIPT_KERNELS)).toBe(false);
    const x = random(rng, 45 * 6 * 14 * 14), w = random(rng, 16 * 150), b = random(rng, 16);
    const n = 45 * 16 * 100;
    const dy = random(rng, n);
    // the reference: the TypeScript conv, a separate ReLU, and the ReLU's gradient before conv's backward
    const pre = new Float32Array(n), y = new Float32Array(n), dPre = new Float32Array(n);
    conv2dForwardInto(g, x, w, b, pre, undefined, TYPESCRIPT_KERNELS);
    activationForwardInto('relu', pre, y);
    activationBackwardInto('relu', y, dy, dPre);
    const ref = { dx: new Float32Array(x.length), dw: new Float32Array(w.length), db: new Float32Array(16) };
    conv2dBackwardInto(g, x, w, dPre, ref.dx, ref.dw, ref.db, undefined, TYPESCRIPT_KERNELS);
    const fused = new Float32Array(n);
    conv2dForwardInto(g, x, w, b, fused, undefined, wasm, true);
    const got = { dx: new Float32Array(x.length), dw: new Float32Array(w.length), db: new Float32Array(16) };
    conv2dBackwardInto(g, x, w, dy, got.dx, got.dw, got.db, undefined, wasm, fused);
    expect(relative(fused, y)).toBeLessThan(1e-5);
    expect(fused.some((v) => v === 0) && fused.some((v) => v > 0)).toBe(true);
    for (const key of ['dx', 'dw', 'db'] as const) expect(relative(got[key], ref[key]), key).toBeLessThan(1e-5);
    expect(() => conv2dForwardInto(g, x, w, b, fused, undefined, TYPESCRIPT_KERNELS, true)).toThrow(/fused ReLU/);
  });

  it('the SIMD unrolling writes what the TypeScript im2col writes', () => {
    const g = conv2dGeometry([3, 2, 9, 8], [4, 2, 5, 3], { padding: [2, 1] });
    const x = random(rng, 3 * 2 * 9 * 8);
    const P = g.outH * g.outW, K = 2 * 5 * 3, ld = 3 * P;
    const ref = new Float32Array(K * ld).fill(NaN);
    for (let n = 0; n < 3; n++) im2col(g, x, n, ref, n * P, ld);
    const ws = wasm.workspace(K * ld + x.length, 0)!;
    const cols = ws.subarray(0, K * ld).fill(NaN), xin = ws.subarray(K * ld);
    xin.set(x);
    wasm.unrolling!.im2col(g, xin, 3, cols, ld);
    expect([...cols]).toEqual([...ref]);
  });

  it('the SIMD layout pass writes what the TypeScript one writes: bias, ReLU (NaN and -0 to 0), every edge', () => {
    for (const [images, O, P] of [[3, 5, 7], [1, 6, 784], [2, 16, 100], [4, 3, 1], [2, 2, 6]]) {
      const ld = images * P;
      const out = random(rng, O * ld);
      // values the ReLU must decide on exactly: NaN, -0, 0, a negative that the bias makes positive
      out[0] = NaN; out[1 % out.length] = -0; out[2 % out.length] = 0; out[out.length - 1] = -0.25;
      const bias = random(rng, O);
      for (const relu of [false, true]) {
        const ref = new Float32Array(images * O * P);
        for (let i = 0; i < images; i++) {
          for (let o = 0; o < O; o++) {
            for (let p = 0; p < P; p++) {
              const v = out[o * ld + i * P + p] + bias[o];
              ref[(i * O + o) * P + p] = relu ? (v > 0 ? v : 0) : v;
            }
          }
        }
        const ws = wasm.workspace(2 * O * ld + O + 4, 0)!;
        const wOut = ws.subarray(0, O * ld), wBias = ws.subarray(O * ld, O * ld + O), dst = ws.subarray(O * ld + O, O * ld + O + images * O * P + 4);
        wOut.set(out);
        wBias.set(bias);
        dst.fill(7);
        wasm.unrolling!.biasActivation(wOut, ld, images, O, P, wBias, relu, dst);
        expect([...dst.subarray(0, images * O * P)].map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([...ref].map((v) => Object.is(v, -0) ? '-0' : v));
        // nothing past the output is written
        expect([...dst.subarray(images * O * P)]).toEqual([7, 7, 7, 7]);
      }
    }
  });

  it('dense forward and backward', () => {
    const [batch, inF, units] = [37, 120, 84];
    const x = random(rng, batch * inF), w = random(rng, units * inF), b = random(rng, units), dy = random(rng, batch * units);
    const run = (kernels: MatrixKernels) => {
      const y = new Float32Array(batch * units);
      denseForwardInto(batch, inF, units, x, w, b, y, kernels);
      const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(units);
      denseBackwardInto(batch, inF, units, x, w, dy, dx, dw, db, kernels);
      return { y, dx, dw, db };
    };
    const ref = run(TYPESCRIPT_KERNELS), got = run(wasm);
    for (const key of ['y', 'dx', 'dw', 'db'] as const) expect(relative(got[key], ref[key]), key).toBeLessThan(1e-5);
  });

  for (const spec of [MODERN_LENET5, CLASSIC_LENET5]) {
    it(`the ${spec.arch} network: same scores and gradients from the same seed`, () => {
      const batch = 19;
      const a = new Network(spec, { seed: 5, kernels: TYPESCRIPT_KERNELS }), c = new Network(spec, { seed: 5, kernels: wasm });
      const x = random(rng, batch * a.inputSize);
      const labels = Uint8Array.from({ length: batch }, (_, i) => i % 10);
      expect(relative(c.forward(x, batch).scores, a.forward(x, batch).scores)).toBeLessThan(1e-5);
      const la = a.accumulateGradients(x, labels, 0, batch, 1 / batch), lc = c.accumulateGradients(x, labels, 0, batch, 1 / batch);
      expect(lc.lossSum).toBeCloseTo(la.lossSum, 4);
      expect(relative(c.gradData, a.gradData)).toBeLessThan(1e-4);
    });
  }
});

describe('when the SIMD kernels cannot load', () => {
  it('bytes that are no kernel module are refused', () => {
    expect(() => createWasmKernels(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toThrow(/lacks its gemm/);
    expect(() => createWasmKernels(new Uint8Array([1, 2, 3]))).toThrow();
  });

  it('the engine falls back to the TypeScript kernels, says so in one line, and computes the same network', async () => {
    const before = activeKernels();
    const lines: string[] = [];
    try {
      const status = await loadEngineKernels({ source: () => Promise.reject(new Error('kernels.wasm is missing from the build')), log: (l) => lines.push(l) });
      expect(status.kernels).toBe('typescript');
      expect(activeKernels()).toBe(TYPESCRIPT_KERNELS);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/WebAssembly SIMD kernels could not be loaded \(kernels\.wasm is missing from the build\); using the TypeScript kernels/);
      const x = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 29) / 29);
      const fallback = new Network(MODERN_LENET5, { seed: 2 }).forward(x, 2).probabilities;
      const fast = new Network(MODERN_LENET5, { seed: 2, kernels: wasm }).forward(x, 2).probabilities;
      expect(relative(fallback, fast)).toBeLessThan(1e-5);
    } finally {
      useKernels(before);
    }
  });
});
