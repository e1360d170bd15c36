import { activationBackwardInto, activationForwardInto } from '../engine/ops/activations.ts';
import type { Activation } from '../engine/spec.ts';

/** The lab's activations: the engine's own plus LeakyReLU, which the shipped models do not use. */
export const LAB_ACTIVATIONS = ['identity', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'lecun-tanh'] as const;
export type LabActivation = (typeof LAB_ACTIVATIONS)[number];

export interface ActivationChoice {
  readonly fn: LabActivation;
  /** LeakyReLU's slope for negative inputs (ignored by the others). */
  readonly slope?: number;
}

/** f(z) and f'(z) for many z; the engine's functions where it has them (the numbers the models use). */
export function activate(choice: ActivationChoice, z: Float32Array): { value: Float32Array; derivative: Float32Array } {
  const value = new Float32Array(z.length);
  const derivative = new Float32Array(z.length);
  if (choice.fn === 'leaky-relu') {
    const slope = choice.slope ?? 0.01;
    for (let i = 0; i < z.length; i++) {
      value[i] = z[i] > 0 ? z[i] : slope * z[i];
      derivative[i] = z[i] > 0 ? 1 : slope;
    }
    return { value, derivative };
  }
  const fn: Activation = choice.fn;
  activationForwardInto(fn, z, value);
  // the engine's backward pass with an upstream gradient of 1 is f'(z) itself
  activationBackwardInto(fn, value, new Float32Array(z.length).fill(1), derivative);
  return { value, derivative };
}

export function activateOne(choice: ActivationChoice, z: number): { value: number; derivative: number } {
  const { value, derivative } = activate(choice, Float32Array.of(z));
  return { value: value[0], derivative: derivative[0] };
}

/** The curve and its derivative over [-range, range], for the lab's plot. */
export function activationCurve(choice: ActivationChoice, range: number, points = 161): { x: Float32Array; y: Float32Array; dy: Float32Array } {
  const x = new Float32Array(points);
  for (let i = 0; i < points; i++) x[i] = -range + (2 * range * i) / (points - 1);
  const { value, derivative } = activate(choice, x);
  return { x, y: value, dy: derivative };
}
