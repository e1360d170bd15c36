import { expectShape, formatShape, ShapeError, tensor, type Tensor } from '../tensor.ts';

/** Window geometry shared by max pooling, average pooling and LeNet's subsampling (no padding). */
export interface PoolGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly outH: number;
  readonly outW: number;
}

export function poolGeometry(op: string, inputShape: readonly number[], size: readonly [number, number], stride: readonly [number, number] = size): PoolGeometry {
  expectShape(op, 'input', inputShape, [-1, -1, -1, -1]);
  const [batch, channels, inH, inW] = inputShape;
  const [kh, kw] = size;
  const [strideH, strideW] = stride;
  if (kh < 1 || kw < 1 || strideH < 1 || strideW < 1) throw new ShapeError(op, `invalid window [${kh}, ${kw}] or stride [${strideH}, ${strideW}]`);
  const outH = Math.floor((inH - kh) / strideH) + 1;
  const outW = Math.floor((inW - kw) / strideW) + 1;
  if (outH < 1 || outW < 1) throw new ShapeError(op, `window [${kh}, ${kw}] does not fit input ${formatShape(inputShape)}`);
  return { batch, channels, inH, inW, kh, kw, strideH, strideW, outH, outW };
}

function outputSize(g: PoolGeometry): number {
  return g.batch * g.channels * g.outH * g.outW;
}

/** Max pooling; argmax[i] records which input element won output i, for the backward pass. */
export function maxPoolForwardInto(g: PoolGeometry, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
  const { inH, inW, kh, kw, strideH, strideW, outH, outW } = g;
  if (kh === 2 && kw === 2 && strideH === 2 && strideW === 2) {
    maxPool2x2(g, x, y, argmax);
    return;
  }
  let o = 0;
  for (let nc = 0; nc < g.batch * g.channels; nc++) {
    const base = nc * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        let best = -Infinity;
        let bestIdx = base + oy * strideH * inW + ox * strideW;
        for (let i = 0; i < kh; i++) {
          const rowOff = base + (oy * strideH + i) * inW + ox * strideW;
          for (let j = 0; j < kw; j++) {
            const v = x[rowOff + j];
            if (v > best) {
              best = v;
              bestIdx = rowOff + j;
            }
          }
        }
        y[o] = best;
        argmax[o] = bestIdx;
      }
    }
  }
}

/** LeNet's 2x2, stride-2 windows unrolled: the same comparisons in the same order as the general loop. */
function maxPool2x2(g: PoolGeometry, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
  const { inH, inW, outH, outW } = g;
  let o = 0;
  for (let nc = 0; nc < g.batch * g.channels; nc++) {
    const base = nc * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = base + 2 * oy * inW, r1 = r0 + inW;
      for (let ox = 0; ox < outW; ox++, o++) {
        const i0 = r0 + 2 * ox, i2 = r1 + 2 * ox;
        let best = x[i0], at = i0;
        // as in the general loop, whose running best starts at -Infinity: a NaN first element does not win
        if (!(best > -Infinity)) best = -Infinity;
        const b = x[i0 + 1], c = x[i2], d = x[i2 + 1];
        if (b > best) { best = b; at = i0 + 1; }
        if (c > best) { best = c; at = i2; }
        if (d > best) { best = d; at = i2 + 1; }
        y[o] = best;
        argmax[o] = at;
      }
    }
  }
}

export function maxPoolBackwardInto(g: PoolGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  dx.fill(0);
  const n = outputSize(g);
  for (let o = 0; o < n; o++) dx[argmax[o]] += dy[o];
}

/** Sums each window (average pooling scales the sum; subsampling multiplies it by a coefficient). */
export function windowSumInto(g: PoolGeometry, x: Float32Array, y: Float32Array): void {
  const { inH, inW, kh, kw, strideH, strideW, outH, outW } = g;
  let o = 0;
  for (let nc = 0; nc < g.batch * g.channels; nc++) {
    const base = nc * inH * inW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        let s = 0;
        for (let i = 0; i < kh; i++) {
          const rowOff = base + (oy * strideH + i) * inW + ox * strideW;
          for (let j = 0; j < kw; j++) s += x[rowOff + j];
        }
        y[o] = s;
      }
    }
  }
}

/** dx[window] += scale(c) * dy[o] for every output o; overwrites dx. */
export function windowSumBackwardInto(g: PoolGeometry, dy: Float32Array, scalePerChannel: Float32Array | number, dx: Float32Array): void {
  const { inH, inW, kh, kw, strideH, strideW, outH, outW, channels } = g;
  dx.fill(0);
  let o = 0;
  for (let nc = 0; nc < g.batch * channels; nc++) {
    const base = nc * inH * inW;
    const scale = typeof scalePerChannel === 'number' ? scalePerChannel : scalePerChannel[nc % channels];
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        const d = dy[o] * scale;
        for (let i = 0; i < kh; i++) {
          const rowOff = base + (oy * strideH + i) * inW + ox * strideW;
          for (let j = 0; j < kw; j++) dx[rowOff + j] += d;
        }
      }
    }
  }
}

export function maxPool(x: Tensor, size: readonly [number, number], stride?: readonly [number, number]): { y: Tensor; argmax: Int32Array } {
  const g = poolGeometry('maxpool', x.shape, size, stride);
  const y = tensor([g.batch, g.channels, g.outH, g.outW]);
  const argmax = new Int32Array(y.data.length);
  maxPoolForwardInto(g, x.data, y.data, argmax);
  return { y, argmax };
}

export function maxPoolBackward(xShape: readonly number[], dy: Tensor, argmax: Int32Array, size: readonly [number, number], stride?: readonly [number, number]): Tensor {
  const g = poolGeometry('maxpool backward', xShape, size, stride);
  expectShape('maxpool backward', 'dy', dy.shape, [g.batch, g.channels, g.outH, g.outW]);
  const dx = tensor(xShape);
  maxPoolBackwardInto(g, dy.data, argmax, dx.data);
  return dx;
}

export function avgPool(x: Tensor, size: readonly [number, number], stride?: readonly [number, number]): Tensor {
  const g = poolGeometry('avgpool', x.shape, size, stride);
  const y = tensor([g.batch, g.channels, g.outH, g.outW]);
  windowSumInto(g, x.data, y.data);
  const inv = 1 / (g.kh * g.kw);
  for (let i = 0; i < y.data.length; i++) y.data[i] *= inv;
  return y;
}

export function avgPoolBackward(xShape: readonly number[], dy: Tensor, size: readonly [number, number], stride?: readonly [number, number]): Tensor {
  const g = poolGeometry('avgpool backward', xShape, size, stride);
  expectShape('avgpool backward', 'dy', dy.shape, [g.batch, g.channels, g.outH, g.outW]);
  const dx = tensor(xShape);
  windowSumBackwardInto(g, dy.data, 1 / (g.kh * g.kw), dx.data);
  return dx;
}
