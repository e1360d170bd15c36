import { expectShape, formatShape, ShapeError, tensor, type Tensor } from '../tensor.ts';
import { convOutputSize } from '../arithmetic.ts';
import { gemmNN, gemmNTAccumulate, gemmTN } from './gemm.ts';

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

/** Unrolls image n's receptive fields into cols[(c*kh*kw) x (outH*outW)]. */
export function im2col(g: Conv2dGeometry, x: Float32Array, n: number, cols: Float32Array): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const P = outH * outW;
  const imgOff = n * inC * inH * inW;
  let row = 0;
  for (let c = 0; c < inC; c++) {
    const chOff = imgOff + c * inH * inW;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        let dst = row * P;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, dst, dst + outW);
            dst += outW;
            continue;
          }
          const rowOff = chOff + iy * inW;
          for (let ox = 0; ox < outW; ox++, dst++) {
            const ix = ox * strideW - padW + kj;
            cols[dst] = ix >= 0 && ix < inW ? x[rowOff + ix] : 0;
          }
        }
      }
    }
  }
}

/** Adds cols (the layout im2col makes) back into image n of dx. */
export function col2imAccumulate(g: Conv2dGeometry, cols: Float32Array, n: number, dx: Float32Array): void {
  const { inC, inH, inW, kh, kw, strideH, strideW, padH, padW, outH, outW } = g;
  const P = outH * outW;
  const imgOff = n * inC * inH * inW;
  let row = 0;
  for (let c = 0; c < inC; c++) {
    const chOff = imgOff + c * inH * inW;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        let src = row * P;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= inH) {
            src += outW;
            continue;
          }
          const rowOff = chOff + iy * inW;
          for (let ox = 0; ox < outW; ox++, src++) {
            const ix = ox * strideW - padW + kj;
            if (ix >= 0 && ix < inW) dx[rowOff + ix] += cols[src];
          }
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

/** Scratch floats conv2dForwardInto/BackwardInto need for this geometry. */
export function conv2dScratchSize(g: Conv2dGeometry): number {
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  return useRowLayout(g) ? 2 * g.batch * P * K + 2 * g.batch * P * g.outC : K * P;
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

/** y[N, outC, outH, outW] = conv(x, w) + b. `scratch` holds conv2dScratchSize(g) floats. */
export function conv2dForwardInto(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, scratch: Float32Array): void {
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  if (useRowLayout(g)) {
    const R = g.batch * P;
    const rows = scratch.subarray(0, R * K);
    const out = scratch.subarray(2 * R * K, 2 * R * K + R * g.outC);
    im2row(g, x, rows);
    for (let r = 0; r < R; r++) {
      if (b) out.set(b, r * g.outC);
      else out.fill(0, r * g.outC, (r + 1) * g.outC);
    }
    gemmNTAccumulate(R, K, g.outC, rows, 0, w, 0, out, 0);
    for (let n = 0; n < g.batch; n++) {
      for (let p = 0; p < P; p++) {
        const r = (n * P + p) * g.outC;
        for (let o = 0; o < g.outC; o++) y[(n * g.outC + o) * P + p] = out[r + o];
      }
    }
    return;
  }
  for (let n = 0; n < g.batch; n++) {
    im2col(g, x, n, scratch);
    const yOff = n * g.outC * P;
    if (b) {
      for (let o = 0; o < g.outC; o++) y.fill(b[o], yOff + o * P, yOff + (o + 1) * P);
    }
    gemmNN(g.outC, K, P, w, 0, scratch, 0, y, yOff, b !== null);
  }
}

/**
 * Gradients of conv2d. dw and db are accumulated into (callers zero them per batch); dx is overwritten
 * when given (pass null for the first layer, whose input needs no gradient).
 */
export function conv2dBackwardInto(
  g: Conv2dGeometry, x: Float32Array, w: Float32Array, dy: Float32Array,
  dx: Float32Array | null, dw: Float32Array, db: Float32Array | null, scratch: Float32Array,
): void {
  const K = g.inC * g.kh * g.kw;
  const P = g.outH * g.outW;
  if (dx) dx.fill(0);
  if (db) {
    for (let n = 0; n < g.batch; n++) {
      for (let o = 0; o < g.outC; o++) {
        let s = 0;
        const off = (n * g.outC + o) * P;
        for (let p = 0; p < P; p++) s += dy[off + p];
        db[o] += s;
      }
    }
  }
  if (useRowLayout(g)) {
    const R = g.batch * P;
    const rows = scratch.subarray(0, R * K);
    const dRows = scratch.subarray(R * K, 2 * R * K);
    const dOut = scratch.subarray(2 * R * K + R * g.outC, 2 * R * K + 2 * R * g.outC);
    for (let n = 0; n < g.batch; n++) {
      for (let p = 0; p < P; p++) {
        const r = (n * P + p) * g.outC;
        for (let o = 0; o < g.outC; o++) dOut[r + o] = dy[(n * g.outC + o) * P + p];
      }
    }
    im2row(g, x, rows);
    gemmTN(R, g.outC, K, dOut, 0, rows, 0, dw, 0, true);
    if (dx) {
      gemmNN(R, g.outC, K, dOut, 0, w, 0, dRows, 0, false);
      row2imAccumulate(g, dRows, dx);
    }
    return;
  }
  for (let n = 0; n < g.batch; n++) {
    const yOff = n * g.outC * P;
    im2col(g, x, n, scratch);
    gemmNTAccumulate(g.outC, P, K, dy, yOff, scratch, 0, dw, 0);
    if (dx) {
      gemmTN(g.outC, K, P, w, 0, dy, yOff, scratch, 0);
      col2imAccumulate(g, scratch, n, dx);
    }
  }
}

/** Tensor-level convenience: y = conv2d(x, w) + b. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, options);
  if (b) expectShape('conv2d', 'bias', b.shape, [g.outC]);
  const y = tensor([g.batch, g.outC, g.outH, g.outW]);
  conv2dForwardInto(g, x.data, w.data, b ? b.data : null, y.data, new Float32Array(conv2dScratchSize(g)));
  return y;
}

export function conv2dBackward(x: Tensor, w: Tensor, dy: Tensor, options: Conv2dOptions = {}): { dx: Tensor; dw: Tensor; db: Tensor } {
  const g = conv2dGeometry(x.shape, w.shape, options);
  expectShape('conv2d backward', 'dy', dy.shape, [g.batch, g.outC, g.outH, g.outW]);
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([g.outC]);
  conv2dBackwardInto(g, x.data, w.data, dy.data, dx.data, dw.data, db.data, new Float32Array(conv2dScratchSize(g)));
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
