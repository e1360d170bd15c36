import { expectShape, tensor, type Tensor } from '../tensor.ts';
import type { Activation } from '../spec.ts';

/** LeCun's scaled tanh, f(a) = A tanh(S a): f(1) = 1 and f(-1) = -1, the maximum curvature near +-1. */
export const LECUN_A = 1.7159;
export const LECUN_S = 2 / 3;

export function activationForwardInto(fn: Activation, x: Float32Array, y: Float32Array, n = x.length): void {
  switch (fn) {
    case 'identity':
      if (x !== y) y.set(x.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'lecun-tanh':
      for (let i = 0; i < n; i++) y[i] = LECUN_A * Math.tanh(LECUN_S * x[i]);
      return;
  }
}

/** dx = dy * f'(x), with f' written in terms of the output y = f(x); dx may alias dy. */
export function activationBackwardInto(fn: Activation, y: Float32Array, dy: Float32Array, dx: Float32Array, n = y.length): void {
  switch (fn) {
    case 'identity':
      if (dx !== dy) dx.set(dy.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case 'lecun-tanh': {
      const invA = 1 / LECUN_A;
      for (let i = 0; i < n; i++) {
        const t = y[i] * invA;
        dx[i] = dy[i] * LECUN_A * LECUN_S * (1 - t * t);
      }
      return;
    }
  }
}

export function activation(fn: Activation, x: Tensor): Tensor {
  const y = tensor(x.shape);
  activationForwardInto(fn, x.data, y.data);
  return y;
}

export function activationBackward(fn: Activation, y: Tensor, dy: Tensor): Tensor {
  expectShape(`${fn} backward`, 'dy', dy.shape, y.shape);
  const dx = tensor(y.shape);
  activationBackwardInto(fn, y.data, dy.data, dx.data);
  return dx;
}
