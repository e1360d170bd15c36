import { expectShape, tensor, type Tensor } from '../tensor.ts';

/** Euclidean RBF units with fixed centres: y[n, i] = sum_j (x[n, j] - c[i, j])^2. */
export function rbfForwardInto(batch: number, inFeatures: number, units: number, x: Float32Array, centres: Float32Array, y: Float32Array): void {
  for (let n = 0; n < batch; n++) {
    const xOff = n * inFeatures;
    for (let i = 0; i < units; i++) {
      const cOff = i * inFeatures;
      let s = 0;
      for (let j = 0; j < inFeatures; j++) {
        const d = x[xOff + j] - centres[cOff + j];
        s += d * d;
      }
      y[n * units + i] = s;
    }
  }
}

/** dx[n, j] = sum_i dy[n, i] * 2 (x[n, j] - c[i, j]); overwrites dx. The centres are not trained. */
export function rbfBackwardInto(batch: number, inFeatures: number, units: number, x: Float32Array, centres: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let n = 0; n < batch; n++) {
    const xOff = n * inFeatures;
    for (let j = 0; j < inFeatures; j++) {
      let s = 0;
      const xv = x[xOff + j];
      for (let i = 0; i < units; i++) s += dy[n * units + i] * (xv - centres[i * inFeatures + j]);
      dx[xOff + j] = 2 * s;
    }
  }
}

export function rbf(x: Tensor, centres: Tensor): Tensor {
  const batch = x.shape[0];
  const inFeatures = x.data.length / Math.max(batch, 1);
  expectShape('rbf', 'centres', centres.shape, [-1, inFeatures]);
  const y = tensor([batch, centres.shape[0]]);
  rbfForwardInto(batch, inFeatures, centres.shape[0], x.data, centres.data, y.data);
  return y;
}

export function rbfBackward(x: Tensor, centres: Tensor, dy: Tensor): Tensor {
  const batch = x.shape[0];
  const inFeatures = x.data.length / Math.max(batch, 1);
  expectShape('rbf backward', 'dy', dy.shape, [batch, centres.shape[0]]);
  const dx = tensor(x.shape);
  rbfBackwardInto(batch, inFeatures, centres.shape[0], x.data, centres.data, dy.data, dx.data);
  return dx;
}
