import type { Param } from './network.ts';

/**
 * Optimizers over a network's flat parameter array. Weight decay is decoupled (AdamW style for Adam,
 * classic L2 added to the gradient for SGD) and applies to weights and kernels, never to biases or
 * LeNet's subsampling coefficients.
 */
export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly momentum: number; readonly nesterov?: boolean }
  | { readonly kind: 'adam'; readonly beta1: number; readonly beta2: number; readonly epsilon: number };

export type ScheduleConfig =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly everyEpochs: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly minFactor: number };

export interface LearningRateConfig {
  readonly base: number;
  readonly schedule: ScheduleConfig;
  /** Linear warm-up from base/10 over this many steps. */
  readonly warmupSteps?: number;
}

/** Learning rate at a (fractional) point of training: `progress` = step / totalSteps in [0, 1]. */
export function learningRate(config: LearningRateConfig, step: number, totalSteps: number, stepsPerEpoch: number): number {
  let lr = config.base;
  const s = config.schedule;
  if (s.kind === 'step') lr *= Math.pow(s.gamma, Math.floor(step / stepsPerEpoch / s.everyEpochs));
  if (s.kind === 'cosine') {
    const t = Math.min(1, step / Math.max(1, totalSteps));
    lr *= s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
  }
  const warm = config.warmupSteps ?? 0;
  if (warm > 0 && step < warm) lr *= 0.1 + 0.9 * (step / warm);
  return lr;
}

/** 1 where weight decay applies (the tensors the layer description marks `decays`), 0 elsewhere. */
export function decayMask(params: readonly Param[], total: number): Float32Array {
  const m = new Float32Array(total);
  for (const p of params) if (p.decays) m.fill(1, p.offset, p.offset + p.size);
  return m;
}

export class Optimizer {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    readonly config: OptimizerConfig,
    readonly weightDecay: number,
    /** 1 where decay applies. */
    private readonly decay: Float32Array,
    /** 1 where the parameter is trained; 0 freezes it (fine-tuning chosen layers). */
    private readonly trainable: Float32Array,
  ) {
    this.m = new Float32Array(decay.length);
    this.v = config.kind === 'adam' ? new Float32Array(decay.length) : new Float32Array(0);
  }

  /** One update of params from grads (the mean gradient of the batch). */
  step(params: Float32Array, grads: Float32Array, lr: number): void {
    this.t++;
    const wd = this.weightDecay;
    const n = params.length;
    const { m, v, decay, trainable } = this;
    if (this.config.kind === 'sgd') {
      const mu = this.config.momentum;
      const nesterov = this.config.nesterov ?? false;
      for (let i = 0; i < n; i++) {
        if (trainable[i] === 0) continue;
        const g = grads[i] + wd * decay[i] * params[i];
        m[i] = mu * m[i] + g;
        params[i] -= lr * (nesterov ? g + mu * m[i] : m[i]);
      }
      return;
    }
    const { beta1, beta2, epsilon } = this.config;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    for (let i = 0; i < n; i++) {
      if (trainable[i] === 0) continue;
      const g = grads[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const update = (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
      params[i] -= lr * (update + wd * decay[i] * params[i]);
    }
  }
}
