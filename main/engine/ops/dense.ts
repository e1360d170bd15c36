import { expectShape, tensor, type Tensor } from '../tensor.ts';
import { activeKernels, type MatrixKernels } from '../kernels/matrix-kernels.ts';

/** y[N, units] = x[N, in] * W[units, in]^T + b; the input is read as flattened (C, H, W order). */
export function denseForwardInto(batch: number, inFeatures: number, units: number, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, kernels: MatrixKernels = activeKernels()): void {
  for (let n = 0; n < batch; n++) y.set(b.subarray(0, units), n * units);
  kernels.gemm(false, true, batch, units, inFeatures, x, 0, w, 0, y, 0, true);
}

/** Accumulates dw and db; overwrites dx when given. */
export function denseBackwardInto(batch: number, inFeatures: number, units: number, x: Float32Array, w: Float32Array, dy: Float32Array, dx: Float32Array | null, dw: Float32Array, db: Float32Array, kernels: MatrixKernels = activeKernels()): void {
  for (let n = 0; n < batch; n++) {
    const off = n * units;
    for (let u = 0; u < units; u++) db[u] += dy[off + u];
  }
  kernels.gemm(true, false, units, inFeatures, batch, dy, 0, x, 0, dw, 0, true);
  if (dx) kernels.gemm(false, false, batch, inFeatures, units, dy, 0, w, 0, dx, 0, false);
}

function features(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const batch = x.shape[0];
  const inFeatures = features(x.shape);
  expectShape('dense', 'weight', w.shape, [-1, inFeatures]);
  const units = w.shape[0];
  expectShape('dense', 'bias', b.shape, [units]);
  const y = tensor([batch, units]);
  denseForwardInto(batch, inFeatures, units, x.data, w.data, b.data, y.data);
  return y;
}

export function denseBackward(x: Tensor, w: Tensor, dy: Tensor): { dx: Tensor; dw: Tensor; db: Tensor } {
  const batch = x.shape[0];
  const inFeatures = features(x.shape);
  expectShape('dense backward', 'weight', w.shape, [-1, inFeatures]);
  const units = w.shape[0];
  expectShape('dense backward', 'dy', dy.shape, [batch, units]);
  const dx = tensor(x.shape), dw = tensor(w.shape), db = tensor([units]);
  denseBackwardInto(batch, inFeatures, units, x.data, w.data, dy.data, dx.data, dw.data, db.data);
  return { dx, dw, db };
}

/** Flatten keeps the batch dimension and joins the rest; the data is already laid out that way. */
export function flatten(x: Tensor): Tensor {
  return { shape: [x.shape[0], features(x.shape)], data: x.data };
}
