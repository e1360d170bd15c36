import { expectShape, formatShape, ShapeError, tensor, type Tensor } from '../tensor.ts';
import { convOutputSize } from '../arithmetic.ts';
import { activeKernels, type MatrixKernels, type Unrolling } from '../kernels/matrix-kernels.ts';

/**
 * 2-D convolution (cross-correlation, as every deep-learning library defines it) over NCHW batches,
 * with any kernel size, stride and zero padding, computed as im2col + matrix product per image.
 */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly inC: number;
  readonly inH: number;
  readonly inW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly outH: number;
  readonly outW: number;
}

export interface Conv2dOptions {
  readonly stride?: readonly [number, number];
  readonly padding?: readonly [number, number];
}

export function conv2dGeometry(inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {}): Conv2dGeometry {
  expectShape('conv2d', 'input', inputShape, [-1, -1, -1, -1]);
  expectShape('conv2d', 'weight', weightShape, [-1, inputShape[1], -1, -1]);
  const [strideH, strideW] = options.stride ?? [1, 1];
  const [padH, padW] = options.padding ?? [0, 0];
  const [batch, inC, inH, inW] = inputShape;
  const [outC, , kh, kw] = weightShape;
  if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
    throw new ShapeError('conv2d', `invalid stride [${strideH}, ${strideW}] or padding [${padH}, ${padW}]`);
  }
  const outH = convOutputSize(inH, kh, strideH, padH);
  const outW = convOutputSize(inW, kw, strideW, padW);
  if (outH < 1 || outW < 1) {
    throw new ShapeError('conv2d', `kernel ${formatShape(weightShape)} does not fit input ${formatShape(inputShape)} with padding [${padH}, ${padW}]`);
  }
  return { batch, inC, inH, inW, outC, kh, kw, strideH, strideW, padH, padW, outH, outW };
}

/**
 * Unrolls image n's receptive fields into cols[(c*kh*kw) x P] (P = outH*outW), at column `colOff` of
 * rows `ld` long: several images side by side make one wide product.
 */
export function im2col(g: Conv2dGeometry, x: Float32Array, n: number, cols: Float32Array, colOff = 0, ld = g.outH * g.outW): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const imgOff = n * inC * inH * inW;
  let row = 0;
  for (let c = 0; c < inC; c++) {
    const chOff = imgOff + c * inH * inW;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        let dst = row * ld + colOff;
        // the output columns whose input column ox*stride - pad + kj falls inside the image
        const oxFrom = Math.min(outW, Math.max(0, Math.ceil((padW - kj) / strideW)));
        const oxTo = Math.max(oxFrom, Math.min(outW, Math.floor((inW - 1 + padW - kj) / strideW) + 1));
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, dst, dst + outW);
            dst += outW;
            continue;
          }
          const src = chOff + iy * inW - padW + kj;
          if (oxFrom > 0) cols.fill(0, dst, dst + oxFrom);
          for (let ox = oxFrom; ox < oxTo; ox++) cols[dst + ox] = x[src + ox * strideW];
          if (oxTo < outW) cols.fill(0, dst + oxTo, dst + outW);
          dst += outW;
        }
      }
    }
  }
}

/** Adds cols (the layout im2col makes, at column colOff of rows ld long) back into image n of dx. */
export function col2imAccumulate(g: Conv2dGeometry, cols: Float32Array, n: number, dx: Float32Array, colOff = 0, ld = g.outH * g.outW): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const imgOff = n * inC * inH * inW;
  let row = 0;
  for (let c = 0; c < inC; c++) {
    const chOff = imgOff + c * inH * inW;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        let src = row * ld + colOff;
        const oxFrom = Math.min(outW, Math.max(0, Math.ceil((padW - kj) / strideW)));
        const oxTo = Math.max(oxFrom, Math.min(outW, Math.floor((inW - 1 + padW - kj) / strideW) + 1));
        for (let oy = 0; oy < outH; oy++, src += outW) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= inH) continue;
          const dst = chOff + iy * inW - padW + kj;
          for (let ox = oxFrom; ox < oxTo; ox++) dx[dst + ox * strideW] += cols[src + ox];
        }
      }
    }
  }
}

/**
 * Layers whose output maps are tiny (C5's 1x1) waste the column layout's inner loops; for them the
 * receptive fields are unrolled into rows, one per output position of the whole batch, and the
 * convolution becomes one dense product over the batch.
 */
export function useRowLayout(g: Conv2dGeometry): boolean {
  return g.outH * g.outW <= 4;
}

/** Images per product: as many as make the kernels' preferred width, at least one. */
function imagesPerBlock(g: Conv2dGeometry, kernels: MatrixKernels): number {
  return Math.max(1, Math.min(g.batch, Math.floor(kernels.blockColumns / (g.outH * g.outW))));
}

/** Scratch floats conv2dForwardInto/BackwardInto need for this geometry with these kernels. */
export function conv2dScratchSize(g: Conv2dGeometry, kernels: MatrixKernels = activeKernels()): number {
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  if (useRowLayout(g)) return 2 * g.batch * P * K + 2 * g.batch * P * g.outC;
  const cols = K * P * imagesPerBlock(g, kernels);
  // one image at a time, the products read and write the layer's own arrays; wider, they need the
  // output (or the gradient) laid out as one matrix beside the columns
  return imagesPerBlock(g, kernels) === 1 ? cols : cols + g.outC * P * imagesPerBlock(g, kernels);
}

/** The kernels' own unrolling, where they have one for this geometry (stride 1). */
function unrollingFor(g: Conv2dGeometry, kernels: MatrixKernels): Unrolling | null {
  return kernels.unrolling && g.strideH === 1 && g.strideW === 1 ? kernels.unrolling : null;
}

/** The kernels' own workspace when they have one, else the caller's scratch (grown if short). */
function scratchFor(kernels: MatrixKernels, floats: number, staging: number, given: Float32Array | undefined): Float32Array {
  const ws = kernels.workspace(floats, staging);
  if (ws) return ws;
  return given && given.length >= floats ? given : new Float32Array(floats);
}

/**
 * Unrolls images n0..n0+nb of x into cols (rows ld long, image i at column i*P): with the kernels' own
 * unrolling on a copy of the images in their workspace (`xin`), else with the loops above.
 */
function unrollBlock(g: Conv2dGeometry, x: Float32Array, n0: number, nb: number, cols: Float32Array, ld: number, unroll: Unrolling | null, xin: Float32Array): void {
  if (unroll) {
    const image = g.inC * g.inH * g.inW;
    xin.set(x.subarray(n0 * image, (n0 + nb) * image));
    unroll.im2col(g, xin, nb, cols, ld);
  } else {
    const P = g.outH * g.outW;
    for (let i = 0; i < nb; i++) im2col(g, x, n0 + i, cols, i * P, ld);
  }
}

/** rows[(n*P + p) x K]: every receptive field of the batch as one row. */
function im2row(g: Conv2dGeometry, x: Float32Array, rows: Float32Array): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const K = inC * kh * kw;
  let r = 0;
  for (let n = 0; n < g.batch; n++) {
    const imgOff = n * inC * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, r++) {
        let dst = r * K;
        for (let c = 0; c < inC; c++) {
          for (let ki = 0; ki < kh; ki++) {
            const iy = oy * strideH - padH + ki;
            for (let kj = 0; kj < kw; kj++, dst++) {
              const ix = ox * strideW - padW + kj;
              rows[dst] = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? x[imgOff + (c * inH + iy) * inW + ix] : 0;
            }
          }
        }
      }
    }
  }
}

function row2imAccumulate(g: Conv2dGeometry, rows: Float32Array, dx: Float32Array): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  let src = 0;
  for (let n = 0; n < g.batch; n++) {
    const imgOff = n * inC * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < inC; c++) {
          for (let ki = 0; ki < kh; ki++) {
            const iy = oy * strideH - padH + ki;
            for (let kj = 0; kj < kw; kj++, src++) {
              const ix = ox * strideW - padW + kj;
              if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) dx[imgOff + (c * inH + iy) * inW + ix] += rows[src];
            }
          }
        }
      }
    }
  }
}

/**
 * y[N, outC, outH, outW] = conv(x, w) + b. `scratch` (conv2dScratchSize(g) floats) serves the
 * TypeScript kernels; kernels with a workspace of their own use that instead.
 */
export function conv2dForwardInto(
  g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, scratch?: Float32Array,
  kernels: MatrixKernels = activeKernels(), relu = false,
): void {
  if (relu && !conv2dFusesRelu(g, kernels)) throw new ShapeError('conv2d', 'a fused ReLU needs the blocked layout (see conv2dFusesRelu)');
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  const O = g.outC;
  if (useRowLayout(g)) {
    const R = g.batch * P;
    const work = scratchFor(kernels, R * K + R * O, O * K, scratch);
    const rows = work.subarray(0, R * K);
    const out = work.subarray(R * K, R * K + R * O);
    im2row(g, x, rows);
    for (let r = 0; r < R; r++) {
      if (b) out.set(b, r * O);
      else out.fill(0, r * O, (r + 1) * O);
    }
    kernels.gemm(false, true, R, O, K, rows, 0, w, 0, out, 0, true);
    for (let n = 0; n < g.batch; n++) {
      for (let p = 0; p < P; p++) {
        const r = (n * P + p) * O;
        for (let o = 0; o < O; o++) y[(n * O + o) * P + p] = out[r + o];
      }
    }
    return;
  }
  const block = imagesPerBlock(g, kernels);
  if (kernels.blockColumns === 1) {
    // one image per product: straight into y, the bias there first
    const cols = scratchFor(kernels, K * P, O * K + O * P, scratch);
    for (let n = 0; n < g.batch; n++) {
      im2col(g, x, n, cols);
      const yOff = n * O * P;
      if (b) for (let o = 0; o < O; o++) y.fill(b[o], yOff + o * P, yOff + (o + 1) * P);
      kernels.gemm(false, false, O, P, K, w, 0, cols, 0, y, yOff, b !== null);
    }
    return;
  }
  const L = block * P;
  const unroll = unrollingFor(g, kernels);
  const image = g.inC * g.inH * g.inW;
  // with the kernels' unrolling, their layout pass too: it writes the block's output (and reads the
  // bias) in their workspace, and one copy takes it to y
  const work = scratchFor(kernels, K * L + O * L + (unroll ? block * image + O * L + O : 0), O * K, scratch);
  const cols = work.subarray(0, K * L);
  const out = work.subarray(K * L, K * L + O * L);
  const xin = work.subarray(K * L + O * L, K * L + O * L + block * image);
  const yout = work.subarray(K * L + O * L + block * image, K * L + 2 * O * L + block * image);
  const bin = work.subarray(K * L + 2 * O * L + block * image, K * L + 2 * O * L + block * image + O);
  if (unroll) {
    if (b) bin.set(b.subarray(0, O));
    else bin.fill(0);
  }
  for (let n0 = 0; n0 < g.batch; n0 += block) {
    const nb = Math.min(block, g.batch - n0);
    const ld = nb * P;
    unrollBlock(g, x, n0, nb, cols, ld, unroll, xin);
    kernels.gemm(false, false, O, ld, K, w, 0, cols, 0, out, 0, false);
    if (unroll) {
      unroll.biasActivation(out, ld, nb, O, P, bin, relu, yout);
      y.set(yout.subarray(0, nb * O * P), n0 * O * P);
      continue;
    }
    // out[o, i*P + p] -> y[n0 + i, o, p], plus the bias (and the ReLU, when fused: one pass less)
    for (let i = 0; i < nb; i++) {
      for (let o = 0; o < O; o++) {
        const bias = b ? b[o] : 0;
        const src = o * ld + i * P;
        const dst = ((n0 + i) * O + o) * P;
        if (relu) {
          for (let p = 0; p < P; p++) {
            const v = out[src + p] + bias;
            y[dst + p] = v > 0 ? v : 0;
          }
        } else {
          for (let p = 0; p < P; p++) y[dst + p] = out[src + p] + bias;
        }
      }
    }
  }
}

/**
 * Whether conv2dForwardInto/BackwardInto can fuse a following ReLU into their layout passes: with
 * kernels that unroll several images per product, in the column layout.
 */
export function conv2dFusesRelu(g: Conv2dGeometry, kernels: MatrixKernels = activeKernels()): boolean {
  return kernels.blockColumns > 1 && !useRowLayout(g);
}

/**
 * Gradients of conv2d. dw and db are accumulated into (callers zero them per batch); dx is overwritten
 * when given (pass null for the first layer, whose input needs no gradient). `reluOut`: the output of
 * a ReLU fused into the forward pass; dy is then the gradient after it, masked here where it was 0.
 */
export function conv2dBackwardInto(
  g: Conv2dGeometry, x: Float32Array, w: Float32Array, dy: Float32Array,
  dx: Float32Array | null, dw: Float32Array, db: Float32Array | null, scratch?: Float32Array,
  kernels: MatrixKernels = activeKernels(), reluOut: Float32Array | null = null,
): void {
  if (reluOut && !conv2dFusesRelu(g, kernels)) throw new ShapeError('conv2d backward', 'a fused ReLU needs the blocked layout (see conv2dFusesRelu)');
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  const O = g.outC;
  if (dx) dx.fill(0);
  if (db && !reluOut) {
    for (let n = 0; n < g.batch; n++) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        const off = (n * O + o) * P;
        for (let p = 0; p < P; p++) s += dy[off + p];
        db[o] += s;
      }
    }
  }
  if (useRowLayout(g)) {
    const R = g.batch * P;
    const work = scratchFor(kernels, 2 * R * K + R * O, O * K, scratch);
    const rows = work.subarray(0, R * K);
    const dRows = work.subarray(R * K, 2 * R * K);
    const dOut = work.subarray(2 * R * K, 2 * R * K + R * O);
    for (let n = 0; n < g.batch; n++) {
      for (let p = 0; p < P; p++) {
        const r = (n * P + p) * O;
        for (let o = 0; o < O; o++) dOut[r + o] = dy[(n * O + o) * P + p];
      }
    }
    im2row(g, x, rows);
    kernels.gemm(true, false, O, K, R, dOut, 0, rows, 0, dw, 0, true);
    if (dx) {
      kernels.gemm(false, false, R, K, O, dOut, 0, w, 0, dRows, 0, false);
      row2imAccumulate(g, dRows, dx);
    }
    return;
  }
  const block = imagesPerBlock(g, kernels);
  if (kernels.blockColumns === 1) {
    const cols = scratchFor(kernels, K * P, 2 * O * K + O * P, scratch);
    for (let n = 0; n < g.batch; n++) {
      const yOff = n * O * P;
      im2col(g, x, n, cols);
      kernels.gemm(false, true, O, K, P, dy, yOff, cols, 0, dw, 0, true);
      if (dx) {
        kernels.gemm(true, false, K, P, O, w, 0, dy, yOff, cols, 0, false);
        col2imAccumulate(g, cols, n, dx);
      }
    }
    return;
  }
  const L = block * P;
  const unroll = unrollingFor(g, kernels);
  const image = g.inC * g.inH * g.inW;
  const work = scratchFor(kernels, K * L + O * L + (unroll ? 2 * block * image : 0), 2 * O * K, scratch);
  const cols = work.subarray(0, K * L);
  const dOut = work.subarray(K * L, K * L + O * L);
  const xin = work.subarray(K * L + O * L, K * L + O * L + block * image);
  const dxin = work.subarray(K * L + O * L + block * image);
  for (let n0 = 0; n0 < g.batch; n0 += block) {
    const nb = Math.min(block, g.batch - n0);
    const ld = nb * P;
    unrollBlock(g, x, n0, nb, cols, ld, unroll, xin);
    for (let i = 0; i < nb; i++) {
      for (let o = 0; o < O; o++) {
        const src = ((n0 + i) * O + o) * P;
        const dst = o * ld + i * P;
        if (reluOut) {
          // the ReLU's backward and the bias gradient in the same pass as the layout change
          let s = 0;
          for (let p = 0; p < P; p++) {
            const v = reluOut[src + p] > 0 ? dy[src + p] : 0;
            dOut[dst + p] = v;
            s += v;
          }
          if (db) db[o] += s;
        } else {
          dOut.set(dy.subarray(src, src + P), dst);
        }
      }
    }
    kernels.gemm(false, true, O, K, ld, dOut, 0, cols, 0, dw, 0, true);
    if (dx) {
      kernels.gemm(true, false, K, ld, O, w, 0, dOut, 0, cols, 0, false);
      if (unroll) {
        dxin.fill(0, 0, nb * image);
        unroll.col2imAdd(g, dxin, nb, cols, ld);
        dx.set(dxin.subarray(0, nb * image), n0 * image);
      } else {
        for (let i = 0; i < nb; i++) col2imAccumulate(g, cols, n0 + i, dx, i * P, ld);
      }
    }
  }
}

/** Tensor-level convenience: y = conv2d(x, w) + b. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, options);
  if (b) expectShape('conv2d', 'bias', b.shape, [g.outC]);
  const y = tensor([g.batch, g.outC, g.outH, g.outW]);
  conv2dForwardInto(g, x.data, w.data, b ? b.data : null, y.data);
  return y;
}

export function conv2dBackward(x: Tensor, w: Tensor, dy: Tensor, options: Conv2dOptions = {}): { dx: Tensor; dw: Tensor; db: Tensor } {
  const g = conv2dGeometry(x.shape, w.shape, options);
  expectShape('conv2d backward', 'dy', dy.shape, [g.batch, g.outC, g.outH, g.outW]);
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([g.outC]);
  conv2dBackwardInto(g, x.data, w.data, dy.data, dx.data, dw.data, db.data);
  return { dx, dw, db };
}

/** 0/1 mask over a [outC, inC, kh, kw] weight: 1 where output map o reads input channel c. */
export function connectionMask(connections: readonly (readonly number[])[], inC: number, kh: number, kw: number): Float32Array {
  const mask = new Float32Array(connections.length * inC * kh * kw);
  connections.forEach((row, o) => {
    for (const c of row) mask.fill(1, (o * inC + c) * kh * kw, (o * inC + c + 1) * kh * kw);
  });
  return mask;
}
