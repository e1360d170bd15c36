import { expectShape, tensor, type Tensor } from '../tensor.ts';
import { poolGeometry, windowSumBackwardInto, windowSumInto, type PoolGeometry } from './pool.ts';

/**
 * LeNet-1998 subsampling: y[n,c] = coef[c] * (sum of the window) + bias[c]. The squashing function is a
 * separate activation. `sums` keeps the window sums for the coefficient's gradient.
 */
export function subsampleForwardInto(g: PoolGeometry, x: Float32Array, coef: Float32Array, bias: Float32Array, sums: Float32Array, y: Float32Array): void {
  windowSumInto(g, x, sums);
  const P = g.outH * g.outW;
  let o = 0;
  for (let nc = 0; nc < g.batch * g.channels; nc++) {
    const c = nc % g.channels;
    const k = coef[c], b = bias[c];
    for (let p = 0; p < P; p++, o++) y[o] = k * sums[o] + b;
  }
}

/** Accumulates dcoef and dbias; overwrites dx when given. */
export function subsampleBackwardInto(g: PoolGeometry, sums: Float32Array, coef: Float32Array, dy: Float32Array, dx: Float32Array | null, dcoef: Float32Array, dbias: Float32Array): void {
  const P = g.outH * g.outW;
  let o = 0;
  for (let nc = 0; nc < g.batch * g.channels; nc++) {
    const c = nc % g.channels;
    let sc = 0, sb = 0;
    for (let p = 0; p < P; p++, o++) {
      sc += dy[o] * sums[o];
      sb += dy[o];
    }
    dcoef[c] += sc;
    dbias[c] += sb;
  }
  if (dx) windowSumBackwardInto(g, dy, coef, dx);
}

export function subsample(x: Tensor, coef: Tensor, bias: Tensor, size: readonly [number, number], stride?: readonly [number, number]): Tensor {
  const g = poolGeometry('subsample', x.shape, size, stride);
  expectShape('subsample', 'coef', coef.shape, [g.channels]);
  expectShape('subsample', 'bias', bias.shape, [g.channels]);
  const y = tensor([g.batch, g.channels, g.outH, g.outW]);
  subsampleForwardInto(g, x.data, coef.data, bias.data, new Float32Array(y.data.length), y.data);
  return y;
}

export function subsampleBackward(x: Tensor, coef: Tensor, dy: Tensor, size: readonly [number, number], stride?: readonly [number, number]): { dx: Tensor; dcoef: Tensor; dbias: Tensor } {
  const g = poolGeometry('subsample backward', x.shape, size, stride);
  expectShape('subsample backward', 'dy', dy.shape, [g.batch, g.channels, g.outH, g.outW]);
  const sums = new Float32Array(dy.data.length);
  windowSumInto(g, x.data, sums);
  const dx = tensor(x.shape), dcoef = tensor([g.channels]), dbias = tensor([g.channels]);
  subsampleBackwardInto(g, sums, coef.data, dy.data, dx.data, dcoef.data, dbias.data);
  return { dx, dcoef, dbias };
}
